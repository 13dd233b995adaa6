using System.Net.Sockets;
using System.Threading.Channels;
using MedIoT.Hosting;
using MedIoT.Ledger.Service.Hosting;
using MedIoT.Mqtt;
using Microsoft.Extensions.Hosting;
using Polly;

namespace MedIoT.Ledger.Service.Alarms;

/// <summary>
/// Publishes fork alarms to the hospital IT channel over MQTT (QoS 1, topic Ledger:Alarm:Mqtt:Topic, not retained),
/// reconnecting with doubling backoff (<see cref="ReconnectBackoff"/>); a message the broker did not acknowledge is sent
/// again after reconnecting. The evidence is stored before an alarm is queued, so an alarm lost to a crash is still
/// listed by GET /evidence.
/// </summary>
internal sealed class ForkAlarmPublisher : BackgroundService
{
    /// <summary>200 ms after a lost connection or a refused attempt, doubling to at most 30 s; it starts over once connected.</summary>
    public static readonly BackoffOptions ReconnectBackoff = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), UseJitter: false);

    // Bounded: forks are rare; if thousands pile up while the broker is away the oldest are dropped (the evidence stays stored).
    private readonly Channel<ForkAlarm> _queue = Channel.CreateBounded<ForkAlarm>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly LedgerAlarmMqttOptions _options;
    private readonly string? _password;
    private readonly LedgerStatistics _statistics;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<ForkAlarmPublisher> _logger;
    private readonly ResiliencePipeline<MqttClient> _reconnect;
    private ForkAlarm? _unacknowledged;

    /// <param name="options">Where to publish.</param>
    /// <param name="password">The broker password (from Ledger:Alarm:Mqtt:PasswordFile or Password), or null for none.</param>
    /// <param name="statistics">The ledger's counters.</param>
    /// <param name="timeProvider">The clock of the reconnect backoff.</param>
    /// <param name="loggerFactory">The logs.</param>
    public ForkAlarmPublisher(LedgerAlarmMqttOptions options, string? password, LedgerStatistics statistics, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _options = options;
        _password = string.IsNullOrEmpty(password) ? null : password;
        _statistics = statistics;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ForkAlarmPublisher>();
        _reconnect = Backoff.Create<MqttClient>(ReconnectBackoff, timeProvider, outcome => IsConnectionFailure(outcome.Exception),
            (outcome, delay) => Log.AlarmConnectionLost(_logger, outcome.Exception!.Message, (int)delay.TotalMilliseconds));
    }

    /// <summary>Queues an alarm; never waits.</summary>
    public void Enqueue(ForkAlarm alarm) => _queue.Writer.TryWrite(alarm);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        ConnectionLoop.RunAsync(_reconnect, ConnectAsync, PublishUntilLostAsync, stoppingToken);

    private async ValueTask<MqttClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            Host = _options.Host,
            Port = _options.Port,
            ClientId = _options.ClientId,
            CleanSession = true,
            Username = string.IsNullOrEmpty(_options.Username) ? null : _options.Username,
            Password = _password,
            TimeProvider = _timeProvider,
        }, _loggerFactory.CreateLogger<MqttClient>());
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        Log.AlarmConnected(_logger, _options.Host, _options.Port);
        return client;
    }

    /// <summary>Publishes queued alarms, oldest first, for as long as the connection holds; ends only by throwing.</summary>
    private async Task PublishUntilLostAsync(MqttClient client, CancellationToken cancellationToken)
    {
        while (true)
        {
            _unacknowledged ??= await _queue.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            await client.PublishAsync(new MqttApplicationMessage(_options.Topic, _unacknowledged.ToJson(), MqttQualityOfService.AtLeastOnce, retain: false),
                cancellationToken).ConfigureAwait(false);
            _statistics.RecordAlarmPublished();
            Log.AlarmPublished(_logger, _unacknowledged.EvidenceId, _options.Topic);
            _unacknowledged = null;
        }
    }

    private static bool IsConnectionFailure(Exception? exception) =>
        exception is IOException or SocketException or TimeoutException or MqttProtocolException or MqttConnectException;
}
