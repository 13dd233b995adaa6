using System.Diagnostics;
using System.Threading.Channels;
using MedIoT.Alerts;
using MedIoT.Alerts.Security;
using MedIoT.Gateway.Ingestion;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Alerts.Feed;

/// <summary>
/// The way into the alert service: one bounded channel read by the service's single consumer, which owns the engine.
/// Ingestion hands every verification outcome to <see cref="Observe"/>, which never waits: the channel is sized
/// (<c>Gateway:Alerts:InputCapacity</c>, default 65,536, about 19 s of the 3,400 frames/s ward stress load) so that it
/// does not fill while the consumer keeps up; if it does fill, the input is refused, counted and logged, and
/// ingestion and storage carry on untouched. Ticks, device status and the HTTP API wait for room instead.
/// </summary>
public sealed class AlarmFeed : IIngestionObserver
{
    /// <summary>The device id given to a security event whose frame named no readable device.</summary>
    public const string UnknownDevice = "unknown-device";

    private readonly Channel<AlarmWork> _channel;
    private readonly TimeProvider _clock;
    private readonly AlarmStatistics _statistics;
    private readonly ILogger<AlarmFeed> _logger;
    private readonly bool _enabled;

    /// <summary>Creates the feed.</summary>
    public AlarmFeed(
        IOptions<AlertOptions> options, [FromKeyedServices(AlarmClock.Key)] TimeProvider clock,
        AlarmStatistics statistics, ILogger<AlarmFeed> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _enabled = options.Value.Enabled;
        _clock = clock;
        _statistics = statistics;
        _logger = logger;
        _channel = Channel.CreateBounded<AlarmWork>(new BoundedChannelOptions(options.Value.InputCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    internal ChannelReader<AlarmWork> Reader => _channel.Reader;

    /// <summary>Items waiting for the consumer.</summary>
    public int Pending => _channel.Reader.Count;

    /// <summary>
    /// Hands one verification outcome to the alerts: an accepted frame becomes readings, a security rejection a
    /// security event naming the device the frame claims; anything else is ignored. Never waits and never throws for a full feed.
    /// </summary>
    public void Observe(in IngestionOutcome outcome)
    {
        if (!_enabled)
        {
            return;
        }

        AlarmWork work;
        if (outcome.Frame is { } frame)
        {
            work = AlarmWork.ForFrame(frame, _clock.GetUtcNow(), Stopwatch.GetTimestamp());
        }
        else if (!outcome.IsDuplicate && SecurityEvent.IsSecurityReason(outcome.Reason))
        {
            // Only what the frame claims: never looked up in the registry, so a forged frame cannot reach a bed.
            var claimedDeviceId = string.IsNullOrEmpty(outcome.DeviceId) ? UnknownDevice : outcome.DeviceId;
            work = AlarmWork.ForInput(new SecurityEvent(outcome.Reason, claimedDeviceId), _clock.GetUtcNow());
        }
        else
        {
            return;
        }

        if (!_channel.Writer.TryWrite(work))
        {
            var refused = _statistics.RecordFeedRefused();
            // The first refusal and then one line per 1,000, so a long stall cannot flood the log.
            if (refused % 1000 == 1)
            {
                Log.AlarmFeedFull(_logger, refused);
            }
        }
    }

    /// <summary>Queues an input, waiting for room (device status, serial ports).</summary>
    internal ValueTask WriteAsync(AlarmInput input, CancellationToken cancellationToken) =>
        _channel.Writer.WriteAsync(AlarmWork.ForInput(input, _clock.GetUtcNow()), cancellationToken);

    /// <summary>Queues a tick due at <paramref name="dueAt"/>.</summary>
    internal ValueTask WriteTickAsync(DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        _channel.Writer.WriteAsync(AlarmWork.ForTick(dueAt), cancellationToken);

    /// <summary>Runs <paramref name="run"/> on the engine's consumer and returns its answer.</summary>
    /// <exception cref="InvalidOperationException">The alert service is disabled.</exception>
    internal async Task<TResult> AskAsync<TResult>(Func<AlarmEngine, DateTimeOffset, List<AlarmEvent>, TResult> run, CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            throw new InvalidOperationException("The alert service is disabled (Gateway:Alerts:Enabled = false).");
        }

        var request = new AlarmRequest<TResult>(run);
        await _channel.Writer.WriteAsync(AlarmWork.ForRequest(request, _clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        return await request.Answer.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
