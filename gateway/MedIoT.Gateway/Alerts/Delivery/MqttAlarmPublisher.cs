using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;
using MedIoT.Gateway.Broker;
using MedIoT.Hosting;
using MedIoT.Mqtt;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Alerts.Delivery;

/// <summary>
/// Publishes alarm messages at QoS 1 over its own broker connection (client id <c>mediot-{gatewayId}-alerts</c>,
/// the protocol version and TLS of <c>Gateway:Mqtt</c>), reconnecting with the gateway's backoff (MedIoT.Hosting). Events are published in order; a message the broker did not
/// acknowledge is sent again after reconnecting. State messages are retained (MQTT 3.1.1 §3.3.1.3): the latest
/// state of every place is kept here and published again on every new connection, so a broker that lost its
/// retained messages learns them again, and a queued older state is never published after a newer one.
/// The queue is bounded (<c>Gateway:Alerts:MqttQueueCapacity</c>): while the broker is unreachable for long, the
/// oldest event is dropped, counted and logged; the retained states are never dropped. A message the broker refuses
/// (MQTT 5 failure reason code, e.g. not authorized, or larger than its maximum packet size) is not retried: it is
/// counted as dropped and logged with the reason code.
/// </summary>
/// <remarks>
/// This keeps its own reconnect loop rather than the client's automatic reconnect: each new connection must first
/// republish the latest retained states, which the loop does in order before any queued event.
/// </remarks>
internal sealed class MqttAlarmPublisher : BackgroundService
{
    private readonly Channel<AlarmMessage> _queue;
    private readonly Dictionary<string, byte[]> _latestStates = new(StringComparer.Ordinal);
    private readonly Lock _statesGate = new();
    private readonly MqttOptions _mqtt;
    private readonly string _clientId;
    private readonly AlarmStatistics _statistics;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<MqttAlarmPublisher> _logger;
    private AlarmMessage? _unacknowledged;

    public MqttAlarmPublisher(
        IOptions<AlertOptions> alertOptions, IOptions<MqttOptions> mqttOptions, IOptions<GatewayOptions> gatewayOptions,
        AlarmStatistics statistics, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _mqtt = mqttOptions.Value;
        _clientId = "mediot-" + gatewayOptions.Value.GatewayId + "-alerts";
        _statistics = statistics;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<MqttAlarmPublisher>();
        var capacity = alertOptions.Value.MqttQueueCapacity;
        _queue = Channel.CreateBounded<AlarmMessage>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            dropped =>
            {
                var count = _statistics.RecordMqttDropped();
                if (count % 1000 == 1)
                {
                    Log.AlarmDeliveryDropped(_logger, "MQTT", count, capacity);
                }
            });
    }

    /// <summary>Queues a message; never waits (called by the alert service's consumer).</summary>
    public void Enqueue(AlarmMessage message)
    {
        if (message.Retain)
        {
            lock (_statesGate)
            {
                _latestStates[message.Topic] = message.Payload;
            }
        }

        _queue.Writer.TryWrite(message);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => ConnectionLoop.RunAsync(
        Backoff.Create<MqttClient>(
            BackoffOptions.FromMilliseconds(_mqtt.ReconnectInitialDelayMilliseconds,
                Math.Max(_mqtt.ReconnectInitialDelayMilliseconds, _mqtt.ReconnectMaximumDelayMilliseconds), useJitter: true),
            _timeProvider,
            attempt => IsConnectionFailure(attempt.Exception),
            (attempt, delay) => Log.AlarmPublisherConnectionLost(_logger, attempt.Exception!.Message, (int)delay.TotalMilliseconds)),
        ConnectAsync,
        PublishUntilLostAsync,
        stoppingToken);

    private async ValueTask<MqttClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new MqttClient(CreateClientOptions(), _loggerFactory.CreateLogger<MqttClient>());
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _statistics.RecordMqttConnection();
        Log.AlarmPublisherConnected(_logger, _mqtt.Host, _mqtt.Port);
        return client;
    }

    /// <summary>Publishes the latest bed states, then queued messages oldest first, for as long as the connection holds; ends only by throwing.</summary>
    private async Task PublishUntilLostAsync(MqttClient client, CancellationToken cancellationToken)
    {
        foreach (var (topic, payload) in LatestStates())
        {
            await PublishAsync(client, new AlarmMessage(topic, payload, Retain: true), cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            _unacknowledged ??= await _queue.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            await PublishAsync(client, _unacknowledged, cancellationToken).ConfigureAwait(false);
            _unacknowledged = null;
        }
    }

    private async Task PublishAsync(MqttClient client, AlarmMessage message, CancellationToken cancellationToken)
    {
        var payload = message.Payload;
        if (message.Retain)
        {
            // Always the latest state of the topic, whatever older state was queued.
            lock (_statesGate)
            {
                payload = _latestStates[message.Topic];
            }
        }

        try
        {
            await client.PublishAsync(new MqttApplicationMessage(message.Topic, payload, MqttQualityOfService.AtLeastOnce, message.Retain), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is MqttPublishException or MqttPacketTooLargeException)
        {
            // The broker will never take this message (MQTT 5 reason code or size): retrying would block every later alarm.
            var count = _statistics.RecordMqttDropped();
            Log.AlarmMessageRefused(_logger, message.Topic, exception.Message, count);
            return;
        }

        _statistics.RecordMqttPublished();
        if (message.ArrivalTimestamp != 0)
        {
            _statistics.RecordFrameToPublish(Stopwatch.GetElapsedTime(message.ArrivalTimestamp));
        }
    }

    private List<KeyValuePair<string, byte[]>> LatestStates()
    {
        lock (_statesGate)
        {
            return [.. _latestStates];
        }
    }

    private MqttClientOptions CreateClientOptions() => new MqttClientOptions
    {
        Host = _mqtt.Host,
        Port = _mqtt.Port,
        ClientId = _clientId,
        // Nothing is subscribed: no session state is needed; undelivered messages are kept here, not at the broker.
        CleanSession = true,
        KeepAlive = TimeSpan.FromSeconds(_mqtt.KeepAliveSeconds),
        TimeProvider = _timeProvider,
    }.WithTransport(_mqtt);

    // MqttConnectionClosedException and MqttKeepAliveTimeoutException are IOExceptions.
    private static bool IsConnectionFailure(Exception? exception) => exception is
        IOException or SocketException or TimeoutException or MqttProtocolException or MqttConnectException;
}
