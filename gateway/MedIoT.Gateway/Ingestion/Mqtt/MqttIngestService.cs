using MedIoT.Gateway.Broker;
using MedIoT.Hosting;
using MedIoT.Mqtt;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Ingestion.Mqtt;

/// <summary>
/// Receives device frames from the ward's broker: a persistent session (stable client id, clean
/// session off; with MQTT 5 a session expiry of <c>Gateway:Mqtt:SessionExpirySeconds</c>) subscribed at QoS 1
/// with manual acknowledgement, over TLS or mutual TLS when <c>Gateway:Mqtt:Tls</c> says so, so a frame stays with the broker until
/// the store has made it durable. Every frame is verified, counted and queued in arrival order.
/// The client reconnects by itself (jittered exponential backoff, session resumed, subscription restored
/// if the broker lost it) and announces the gateway on <c>mediot/v1/gateways/{clientId}/status</c>:
/// a retained "online" after every connect, "offline" as its will when the connection dies, and "offline"
/// published before a clean shutdown.
/// </summary>
internal sealed class MqttIngestService(
    FrameVerifier verifier,
    PendingFrameQueue queue,
    IngestionStatistics statistics,
    IEnumerable<IIngestionObserver> observers,
    IOptions<MqttOptions> mqttOptions,
    IOptions<GatewayOptions> gatewayOptions,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly MqttOptions _options = mqttOptions.Value;
    private readonly IIngestionObserver _observer = IngestionObservers.Combine(observers);
    private readonly ILogger<MqttIngestService> _logger = loggerFactory.CreateLogger<MqttIngestService>();

    /// <summary>The retained status topic of a gateway with MQTT client id <paramref name="clientId"/>.</summary>
    public static string StatusTopic(string clientId) => $"mediot/v1/gateways/{clientId}/status";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = new MqttClient(CreateClientOptions(), loggerFactory.CreateLogger<MqttClient>());
        await using (client.ConfigureAwait(false))
        {
            client.Connected += (_, e) =>
            {
                Log.MqttConnected(_logger, _options.Host, _options.Port, e.SessionPresent);
                if (e.IsReconnect)
                {
                    // The broker kept the subscription in the session, or the client restored it.
                    statistics.RecordSubscribed();
                }
            };
            // A broker's MQTT 5 DISCONNECT reason code and string are in the message.
            client.ConnectionLost += (_, e) => Log.MqttConnectionLost(_logger, e.Reason.Message);
            var subscribed = Task.CompletedTask;
            try
            {
                // Waits for the broker (retrying with backoff); afterwards the client reconnects on its own.
                await client.ConnectAsync(stoppingToken).ConfigureAwait(false);

                // A resumed session delivers the frames the broker queued right after CONNACK, ahead of our SUBACK
                // (MQTT 3.1.1 §4.4, MQTT 5.0 §4.4). They are read while the subscription is made: waiting for SUBACK
                // first would let them fill the client's receive buffer and hold the SUBACK back for ever.
                subscribed = SubscribeAsync(client, stoppingToken);
                await foreach (var message in client.Messages.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                {
                    // The message's payload is its own array (MqttReceivedMessage.Payload): the journal keeps it, no copy.
                    var outcome = verifier.VerifyHandedOver(message.Topic, message.Payload);
                    statistics.Record(outcome);
                    _observer.Observe(outcome);
                    await queue.Writer.WriteAsync(new PendingFrame(outcome.Frame, message), stoppingToken).ConfigureAwait(false);
                }

                await subscribed.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                await subscribed.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                // A clean DISCONNECT discards the will (§3.1.2.5), so say "offline" ourselves. Disposing the
                // client then sends DISCONNECT; the broker keeps the session and redelivers whatever was not
                // acknowledged.
                await AnnounceOfflineAsync(client).ConfigureAwait(false);
            }
        }
    }

    private async Task AnnounceOfflineAsync(MqttClient client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.KeepAliveSeconds), timeProvider);
        try
        {
            await client.PublishAsync(Offline(client.ClientId), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            Log.MqttConnectionLost(_logger, exception.Message);
        }
    }

    private static MqttApplicationMessage Offline(string clientId) =>
        new(StatusTopic(clientId), "offline"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: true);

    /// <summary>Subscribes to the frames topic, retrying with the gateway's backoff while the broker refuses or the connection drops.</summary>
    private async Task SubscribeAsync(MqttClient client, CancellationToken stoppingToken)
    {
        var retry = Backoff.Create<bool>(
            BackoffOptions.FromMilliseconds(_options.ReconnectInitialDelayMilliseconds,
                Math.Max(_options.ReconnectInitialDelayMilliseconds, _options.ReconnectMaximumDelayMilliseconds), useJitter: true),
            timeProvider,
            attempt => attempt.Exception is MqttConnectionClosedException || attempt is { Exception: null, Result: false });
        await retry.ExecuteAsync(async cancellationToken =>
        {
            try
            {
                var granted = await client.SubscribeAsync(
                    [new MqttTopicFilter(_options.FramesTopicFilter, MqttQualityOfService.AtLeastOnce)], cancellationToken).ConfigureAwait(false);
                if (granted[0].Succeeded)
                {
                    Log.MqttSubscribed(_logger, _options.FramesTopicFilter, (int)granted[0].GrantedQualityOfService!.Value);
                    statistics.RecordSubscribed();
                    return true;
                }

                // The broker's access control refuses the subscription: a setting to fix, retried meanwhile.
                Log.MqttSubscriptionRefused(_logger, _options.FramesTopicFilter);
                return false;
            }
            catch (MqttConnectionClosedException exception)
            {
                // Lost between CONNACK and SUBACK; the client is reconnecting.
                Log.MqttConnectionLost(_logger, exception.Message);
                throw;
            }
        }, stoppingToken).ConfigureAwait(false);
    }

    private MqttClientOptions CreateClientOptions()
    {
        var clientId = string.IsNullOrEmpty(_options.ClientId) ? "mediot-" + gatewayOptions.Value.GatewayId : _options.ClientId;
        return new MqttClientOptions
        {
            Host = _options.Host,
            Port = _options.Port,
            ClientId = clientId,
            // A persistent session: while the gateway is away, the broker queues its frames (MQTT 3.1.1 §3.1.2.4;
            // MQTT 5.0 §3.1.2.11.2: for SessionExpirySeconds).
            CleanSession = false,
            SessionExpiryInterval = _options.ClientProtocolVersion == MqttProtocolVersion.V500 ? TimeSpan.FromSeconds(_options.SessionExpirySeconds) : TimeSpan.Zero,
            AutoAcknowledge = false,
            KeepAlive = TimeSpan.FromSeconds(_options.KeepAliveSeconds),
            AutomaticReconnect = true,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(_options.ReconnectInitialDelayMilliseconds),
            ReconnectMaximumDelay = TimeSpan.FromMilliseconds(Math.Max(_options.ReconnectInitialDelayMilliseconds, _options.ReconnectMaximumDelayMilliseconds)),
            WillMessage = Offline(clientId),
            OnlineMessage = new MqttApplicationMessage(StatusTopic(clientId), "online"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: true),
            TimeProvider = timeProvider,
        }.WithTransport(_options);
    }
}
