using System.Net.Sockets;
using MedIoT.Gateway.Alerts.Feed;
using MedIoT.Gateway.Configuration;
using MedIoT.Gateway.Storage;
using MedIoT.Mqtt;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Ingestion.Mqtt;

/// <summary>
/// Receives device frames from the ward's broker: a persistent session (stable client id, clean
/// session off) subscribed at QoS 1 with manual acknowledgement, so a frame stays with the broker until
/// the store has made it durable. Every frame is verified, counted and queued in arrival order;
/// a lost connection is re-established with exponential backoff.
/// </summary>
internal sealed class MqttIngestService(
    FrameVerifier verifier,
    PendingFrameQueue queue,
    IngestionStatistics statistics,
    AlertFeed alertFeed,
    IOptions<MqttOptions> mqttOptions,
    IOptions<GatewayOptions> gatewayOptions,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly MqttOptions _options = mqttOptions.Value;
    private readonly ILogger<MqttIngestService> _logger = loggerFactory.CreateLogger<MqttIngestService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(_options.ReconnectInitialDelayMilliseconds);
        var maximumDelay = TimeSpan.FromMilliseconds(_options.ReconnectMaximumDelayMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            var client = new MqttClient(CreateClientOptions(), loggerFactory.CreateLogger<MqttClient>());
            await using (client.ConfigureAwait(false))
            {
                try
                {
                    await client.ConnectAsync(stoppingToken).ConfigureAwait(false);
                    Log.MqttConnected(_logger, _options.Host, _options.Port, client.SessionPresent);
                    var granted = await client.SubscribeAsync(
                        [new MqttTopicFilter(_options.FramesTopicFilter, MqttQualityOfService.AtLeastOnce)], stoppingToken).ConfigureAwait(false);
                    if (!granted[0].Succeeded)
                    {
                        // The broker's access control refuses the subscription: a setting to fix, retried meanwhile.
                        Log.MqttSubscriptionRefused(_logger, _options.FramesTopicFilter);
                        throw new MqttConnectionClosedException("The broker refused the subscription.");
                    }

                    Log.MqttSubscribed(_logger, _options.FramesTopicFilter, (int)granted[0].GrantedQualityOfService!.Value);
                    statistics.RecordSubscribed();
                    delay = TimeSpan.FromMilliseconds(_options.ReconnectInitialDelayMilliseconds);

                    await foreach (var message in client.Messages.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                    {
                        var outcome = verifier.Verify(message.Topic, message.Payload.Span);
                        statistics.Record(outcome);
                        alertFeed.Post(outcome);
                        await queue.Writer.WriteAsync(new PendingFrame(outcome.Frame, message.AcknowledgeAsync), stoppingToken).ConfigureAwait(false);
                    }

                    // The message stream ended: the connection is gone. Completion says why.
                    await client.Completion.ConfigureAwait(false);
                    Log.MqttConnectionLost(_logger, "the broker closed the connection");
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // Disposing the client sends DISCONNECT; the broker keeps the session and
                    // redelivers whatever was not acknowledged.
                    return;
                }
                catch (Exception exception) when (IsConnectionFailure(exception))
                {
                    Log.MqttConnectionLost(_logger, exception.Message);
                }
            }

            var jittered = delay * (0.5 + (Random.Shared.NextDouble() / 2));
            Log.MqttReconnecting(_logger, _options.Host, _options.Port, (int)jittered.TotalMilliseconds);
            try
            {
                await Task.Delay(jittered, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maximumDelay.Ticks));
        }
    }

    private MqttClientOptions CreateClientOptions() => new()
    {
        Host = _options.Host,
        Port = _options.Port,
        ClientId = string.IsNullOrEmpty(_options.ClientId) ? "mediot-" + gatewayOptions.Value.GatewayId : _options.ClientId,
        // A persistent session: while the gateway is away, the broker queues its frames (MQTT 3.1.1 §3.1.2.4).
        CleanSession = false,
        AutoAcknowledge = false,
        KeepAlive = TimeSpan.FromSeconds(_options.KeepAliveSeconds),
        Username = string.IsNullOrEmpty(_options.Username) ? null : _options.Username,
        Password = string.IsNullOrEmpty(_options.Password) ? null : _options.Password,
        TimeProvider = timeProvider,
    };

    // MqttConnectionClosedException and MqttKeepAliveTimeoutException are IOExceptions.
    private static bool IsConnectionFailure(Exception exception) => exception is
        IOException or SocketException or TimeoutException or MqttProtocolException or MqttConnectException;
}
