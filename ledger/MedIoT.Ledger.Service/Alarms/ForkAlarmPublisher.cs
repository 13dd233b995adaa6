using System.Net.Sockets;
using System.Threading.Channels;
using MedIoT.Ledger.Service.Hosting;
using MedIoT.Mqtt;
using Microsoft.Extensions.Hosting;

namespace MedIoT.Ledger.Service.Alarms;

/// <summary>
/// Publishes fork alarms to the hospital IT channel over MQTT (QoS 1, topic Ledger:Alarm:Mqtt:Topic, not retained),
/// reconnecting with doubling backoff; a message the broker did not acknowledge is sent again after reconnecting.
/// The evidence is stored before an alarm is queued, so an alarm lost to a crash is still listed by GET /evidence.
/// </summary>
internal sealed class ForkAlarmPublisher : BackgroundService
{
    // Bounded: forks are rare; if thousands pile up while the broker is away the oldest are dropped (the evidence stays stored).
    private readonly Channel<ForkAlarm> _queue = Channel.CreateBounded<ForkAlarm>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly LedgerAlarmMqttOptions _options;
    private readonly LedgerStatistics _statistics;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<ForkAlarmPublisher> _logger;

    public ForkAlarmPublisher(LedgerAlarmMqttOptions options, LedgerStatistics statistics, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _options = options;
        _statistics = statistics;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ForkAlarmPublisher>();
    }

    /// <summary>Queues an alarm; never waits.</summary>
    public void Enqueue(ForkAlarm alarm) => _queue.Writer.TryWrite(alarm);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var initialDelay = TimeSpan.FromMilliseconds(200);
        var delay = initialDelay;
        ForkAlarm? unacknowledged = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var client = new MqttClient(new MqttClientOptions
            {
                Host = _options.Host,
                Port = _options.Port,
                ClientId = _options.ClientId,
                CleanSession = true,
                Username = string.IsNullOrEmpty(_options.Username) ? null : _options.Username,
                Password = string.IsNullOrEmpty(_options.Password) ? null : _options.Password,
                TimeProvider = _timeProvider,
            }, _loggerFactory.CreateLogger<MqttClient>());
            await using (client.ConfigureAwait(false))
            {
                try
                {
                    await client.ConnectAsync(stoppingToken).ConfigureAwait(false);
                    Log.AlarmConnected(_logger, _options.Host, _options.Port);
                    delay = initialDelay;
                    while (true)
                    {
                        unacknowledged ??= await _queue.Reader.ReadAsync(stoppingToken).ConfigureAwait(false);
                        await client.PublishAsync(new MqttApplicationMessage(_options.Topic, unacknowledged.ToJson(), MqttQualityOfService.AtLeastOnce, retain: false),
                            stoppingToken).ConfigureAwait(false);
                        _statistics.RecordAlarmPublished();
                        Log.AlarmPublished(_logger, unacknowledged.EvidenceId, _options.Topic);
                        unacknowledged = null;
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception) when (exception is IOException or SocketException or TimeoutException or MqttProtocolException or MqttConnectException)
                {
                    Log.AlarmConnectionLost(_logger, exception.Message, (int)delay.TotalMilliseconds);
                    try
                    {
                        await Task.Delay(delay, _timeProvider, stoppingToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
                }
            }
        }
    }
}
