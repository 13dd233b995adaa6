using System.Diagnostics.Metrics;
using MedIoT.Alerts;
using MedIoT.Gateway.Ingestion;
using MedIoT.Hosting;

namespace MedIoT.Gateway.Alerts;

/// <summary>
/// Counters of the alert service and its delivery, on the gateway's meter (<see cref="IngestionStatistics.MeterName"/>).
/// Tests and the load harness wait on them with <see cref="WaitUntilAsync"/>.
/// </summary>
public sealed class AlarmStatistics : IDisposable
{
    private readonly Meter _meter;
    private readonly Histogram<double> _frameToPublish;
    private static readonly int s_rejectionCount = Enum.GetValues<AlarmInputRejection>().Length;
    private static readonly int s_eventKindCount = Enum.GetValues<AlarmEventKind>().Max(kind => (int)kind) + 1;

    private readonly long[] _rejections = new long[s_rejectionCount];
    private readonly long[] _events = new long[s_eventKindCount];
    private long _framesProcessed;
    private long _inputsProcessed;
    private long _ticks;
    private long _feedRefused;
    private long _badRequests;
    private long _mqttPublished;
    private long _mqttDropped;
    private long _mqttConnections;
    private long _webhooksDelivered;
    private long _webhooksFailed;
    private long _webhooksDropped;
    private long _webhookRetries;
    private long _securityRepeatsSuppressed;
    private long _alarmsNotRestored;
    private long _idReservationFailures;
    private long _bedExitSaveFailures;
    // Created only by a waiter, so recording costs nothing when nobody waits.
    private readonly ChangeSignal _changes = new();

    /// <summary>The histogram of frame-to-publish latency (seconds), for the load harness and dashboards.</summary>
    public const string FrameToPublishInstrument = "mediot.alerts.frame_to_publish";

    /// <summary>Registers the counters on the gateway's meter.</summary>
    public AlarmStatistics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(IngestionStatistics.MeterName);
        var meter = _meter;
        meter.CreateObservableCounter("mediot.alerts.events", () => AlarmEvents, "{event}", "Alarm events produced by the alert engine.");
        meter.CreateObservableCounter("mediot.alerts.feed.refused", () => FeedRefused, "{input}", "Inputs refused because the alert feed was full.");
        meter.CreateObservableCounter("mediot.alerts.inputs.rejected", () => RejectedTotal, "{input}", "Inputs the alert engine rejected.");
        meter.CreateObservableCounter("mediot.alerts.requests.bad", () => BadRequests, "{request}", "Alert API requests rejected as malformed.");
        meter.CreateObservableCounter("mediot.alerts.mqtt.published", () => MqttPublished, "{message}", "Alarm messages acknowledged by the broker.");
        meter.CreateObservableCounter("mediot.alerts.mqtt.dropped", () => MqttDropped, "{message}", "Alarm messages dropped because the MQTT queue was full.");
        meter.CreateObservableCounter("mediot.alerts.webhooks.delivered", () => WebhooksDelivered, "{request}", "Webhook deliveries accepted by the receiver.");
        meter.CreateObservableCounter("mediot.alerts.webhooks.failed", () => WebhooksFailed, "{request}", "Webhook deliveries refused permanently (4xx other than 408 and 429).");
        // Seconds, the unit Prometheus expects (docs/metrics.md); the buckets cover 0.5 ms to 10 s.
        _frameToPublish = meter.CreateHistogram(FrameToPublishInstrument, "s",
            "From a frame's hand-over by ingestion to the broker's acknowledgement of the alarm event it caused.", tags: null, LatencyBuckets.Advice);
        meter.CreateObservableCounter("mediot.alerts.webhooks.dropped", () => WebhooksDropped, "{request}", "Webhook deliveries dropped because the outbox was full.");
        meter.CreateObservableCounter("mediot.alerts.restore.unreadable", () => AlarmsNotRestored, "{alarm}",
            "Journaled active alarms left out at start because their record does not read back as an alarm (docs/alerts.md §9).");
        meter.CreateObservableCounter("mediot.alerts.ids.reservation_failures", () => IdReservationFailures, "{write}",
            "Failed writes of the alarm id reservation (docs/alerts.md §9).");
        meter.CreateObservableCounter("mediot.alerts.bed_exit.save_failures", () => BedExitSaveFailures, "{write}",
            "Failed writes of the armed beds' file bed-exit.armed (docs/alerts.md §7).");
        meter.CreateObservableCounter("mediot.alerts.security.suppressed", () => SecurityRepeatsSuppressed, "{frame}",
            "Failing frames that raised no security alarm of their own: counted on the active alarm of their reason and claimed device, or summarised when its repeat interval ends.");
    }

    /// <summary>Verified frames the engine processed.</summary>
    public long FramesProcessed => Interlocked.Read(ref _framesProcessed);

    /// <summary>Other inputs (status, security, staff, acknowledgement) the engine processed.</summary>
    public long InputsProcessed => Interlocked.Read(ref _inputsProcessed);

    /// <summary>Ticks the engine processed.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Inputs refused because the feed was full.</summary>
    public long FeedRefused => Interlocked.Read(ref _feedRefused);

    /// <summary>Malformed API requests.</summary>
    public long BadRequests => Interlocked.Read(ref _badRequests);

    /// <summary>Alarm messages the broker acknowledged.</summary>
    public long MqttPublished => Interlocked.Read(ref _mqttPublished);

    /// <summary>Alarm messages dropped from a full MQTT queue.</summary>
    public long MqttDropped => Interlocked.Read(ref _mqttDropped);

    /// <summary>Connections the alarm publisher made.</summary>
    public long MqttConnections => Interlocked.Read(ref _mqttConnections);

    /// <summary>Webhook deliveries accepted by the receiver.</summary>
    public long WebhooksDelivered => Interlocked.Read(ref _webhooksDelivered);

    /// <summary>Webhook deliveries that failed permanently.</summary>
    public long WebhooksFailed => Interlocked.Read(ref _webhooksFailed);

    /// <summary>Webhook deliveries dropped from a full outbox.</summary>
    public long WebhooksDropped => Interlocked.Read(ref _webhooksDropped);

    /// <summary>Failing frames that raised no security alarm of their own (docs/alerts.md §1, "Security alarms").</summary>
    public long SecurityRepeatsSuppressed => Interlocked.Read(ref _securityRepeatsSuppressed);

    /// <summary>Journaled active alarms left out at start because their record does not read back (docs/alerts.md §9).</summary>
    public long AlarmsNotRestored => Interlocked.Read(ref _alarmsNotRestored);

    /// <summary>Failed writes of the alarm id reservation (docs/alerts.md §9).</summary>
    public long IdReservationFailures => Interlocked.Read(ref _idReservationFailures);

    /// <summary>Failed writes of the armed beds' file.</summary>
    public long BedExitSaveFailures => Interlocked.Read(ref _bedExitSaveFailures);

    /// <summary>Webhook attempts that will be retried.</summary>
    public long WebhookRetries => Interlocked.Read(ref _webhookRetries);

    /// <summary>Alarm events of every kind.</summary>
    public long AlarmEvents
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _events.Length; i++)
            {
                total += Interlocked.Read(ref _events[i]);
            }

            return total;
        }
    }

    /// <summary>Inputs the engine rejected, all reasons.</summary>
    public long RejectedTotal
    {
        get
        {
            long total = 0;
            for (var i = 1; i < _rejections.Length; i++)
            {
                total += Interlocked.Read(ref _rejections[i]);
            }

            return total;
        }
    }

    /// <summary>Alarm events of one kind.</summary>
    public long EventsOf(AlarmEventKind kind) => Interlocked.Read(ref _events[(int)kind]);

    /// <summary>Inputs the engine rejected for <paramref name="reason"/>.</summary>
    public long Rejected(AlarmInputRejection reason) => Interlocked.Read(ref _rejections[(int)reason]);

    /// <summary>Waits until <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public Task WaitUntilAsync(Func<AlarmStatistics, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return _changes.WaitUntilAsync(() => condition(this), timeout, () =>
            $"The alert statistics did not reach the expected state within {timeout.TotalSeconds:0.#} s " +
                $"(frames {FramesProcessed}, inputs {InputsProcessed}, ticks {Ticks}, events {AlarmEvents}, published {MqttPublished}, " +
                $"webhooks delivered {WebhooksDelivered}, failed {WebhooksFailed}, retries {WebhookRetries}).", cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    internal void RecordFrame() => Add(ref _framesProcessed);

    internal void RecordInput() => Add(ref _inputsProcessed);

    internal void RecordTick() => Add(ref _ticks);

    internal long RecordFeedRefused() => Add(ref _feedRefused);

    internal long RecordBadRequest() => Add(ref _badRequests);

    internal void RecordMqttPublished() => Add(ref _mqttPublished);

    internal long RecordMqttDropped() => Add(ref _mqttDropped);

    internal void RecordFrameToPublish(TimeSpan latency) => _frameToPublish.Record(latency.TotalSeconds);

    internal void RecordMqttConnection() => Add(ref _mqttConnections);

    internal void RecordWebhookDelivered() => Add(ref _webhooksDelivered);

    internal void RecordWebhookFailed() => Add(ref _webhooksFailed);

    internal long RecordWebhookDropped() => Add(ref _webhooksDropped);

    internal void RecordWebhookRetry() => Add(ref _webhookRetries);

    /// <summary>The engine's running total of suppressed security repeats (it only grows).</summary>
    internal void RecordSecurityRepeatsSuppressed(long total)
    {
        if (Interlocked.Exchange(ref _securityRepeatsSuppressed, total) != total)
        {
            Signal();
        }
    }

    internal void RecordAlarmNotRestored() => Add(ref _alarmsNotRestored);

    /// <summary>Counts a failed reservation write; returns how many there have been.</summary>
    internal long RecordIdReservationFailure() => Add(ref _idReservationFailures);

    internal long RecordBedExitSaveFailure() => Add(ref _bedExitSaveFailures);

    /// <summary>Counts a rejection; returns how many there have been for this reason.</summary>
    internal long RecordRejection(AlarmInputRejection reason) => Add(ref _rejections[(int)reason]);

    internal void RecordEvents(List<AlarmEvent> events)
    {
        foreach (var alarmEvent in events)
        {
            Interlocked.Increment(ref _events[(int)alarmEvent.Kind]);
        }

        Signal();
    }

    private long Add(ref long counter)
    {
        var value = Interlocked.Increment(ref counter);
        Signal();
        return value;
    }

    private void Signal() => _changes.Notify();
}
