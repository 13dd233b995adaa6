using System.Diagnostics.Metrics;
using MedIoT.Gateway.Ingestion;
using MedIoT.Hosting;

namespace MedIoT.Gateway.Journal;

/// <summary>
/// Counters of the journal and of the InfluxDB writer that tails it (meter <c>MedIoT.Gateway.Journal</c>): entries
/// appended, checkpoints, the writer's position, points InfluxDB refused, and the receive-to-durable latency.
/// </summary>
public sealed class JournalStatistics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "MedIoT.Gateway.Journal";

    private readonly Meter _meter;
    private readonly Histogram<double> _durableLatency;
    private readonly LatencyHistogram _latencies = new();
    private long _appended;
    private long _checkpoints;
    private long _lastCheckpointSize = -1;
    private long _writerPosition;
    private long _pointsRefused;
    private long _writeFailures;
    private long _alarmEventsJournaled;
    private long _alarmEventsNotJournaled;
    private readonly ChangeSignal _changes = new();

    public JournalStatistics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        // Seconds, the unit Prometheus expects (docs/metrics.md); /health keeps its milliseconds from _latencies.
        _durableLatency = _meter.CreateHistogram("mediot.journal.receive_to_durable", "s", "From a frame's receipt to its durable journal entry.",
            tags: null, LatencyBuckets.Advice);
        _meter.CreateObservableCounter("mediot.journal.appended", () => Appended, "{entry}", "Entries appended to the journal by this process.");
        _meter.CreateObservableGauge("mediot.influx.position", () => WriterPosition, "{entry}", "Journal entries written to InfluxDB.");
        _meter.CreateObservableCounter("mediot.journal.alarm_events", () => AlarmEventsJournaled, "{event}", "Alarm events journaled by this process.");
        _meter.CreateObservableCounter("mediot.journal.alarm_events_not_journaled", () => AlarmEventsNotJournaled, "{event}",
            "Alarm events delivered but not journaled because the alarm journal queue was full.");
        _meter.CreateObservableCounter("mediot.influx.points_refused", () => PointsRefused, "{point}", "Points InfluxDB refused (4xx).");
    }

    /// <summary>The receive-to-durable latency (ms) below which <paramref name="fraction"/> of this process's frames fall.</summary>
    public double DurableLatencyPercentile(double fraction) => _latencies.Percentile(fraction);

    /// <summary>Entries appended by this process.</summary>
    public long Appended => Interlocked.Read(ref _appended);

    /// <summary>Checkpoints signed by this process.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>The size of the last checkpoint signed by this process, -1 before the first.</summary>
    public long LastCheckpointSize => Interlocked.Read(ref _lastCheckpointSize);

    /// <summary>How many journal entries the InfluxDB writer has made durable in InfluxDB (its cursor).</summary>
    public long WriterPosition => Interlocked.Read(ref _writerPosition);

    /// <summary>Points InfluxDB refused as bad (logged and counted, never retried).</summary>
    public long PointsRefused => Interlocked.Read(ref _pointsRefused);

    /// <summary>Failed InfluxDB write attempts (retried).</summary>
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    internal void RecordAppended(IReadOnlyList<VerifiedFrame> frames, DateTimeOffset durableAt)
    {
        var durableNs = (durableAt - DateTimeOffset.UnixEpoch).Ticks * 100;
        foreach (var frame in frames)
        {
            var milliseconds = (durableNs - frame.ReceivedUnixNanoseconds) / 1e6;
            _durableLatency.Record(milliseconds / 1000);
            _latencies.Record(milliseconds);
        }

        Interlocked.Add(ref _appended, frames.Count);
        Signal();
    }

    /// <summary>Alarm events journaled by this process.</summary>
    public long AlarmEventsJournaled => Interlocked.Read(ref _alarmEventsJournaled);

    /// <summary>Alarm events delivered but not journaled (the alarm journal queue was full).</summary>
    public long AlarmEventsNotJournaled => Interlocked.Read(ref _alarmEventsNotJournaled);

    internal void RecordAlarmEventsJournaled(int count)
    {
        Interlocked.Add(ref _alarmEventsJournaled, count);
        Signal();
    }

    internal long RecordAlarmEventNotJournaled()
    {
        var count = Interlocked.Increment(ref _alarmEventsNotJournaled);
        Signal();
        return count;
    }

    internal void RecordCheckpoint(long size)
    {
        Interlocked.Increment(ref _checkpoints);
        Interlocked.Exchange(ref _lastCheckpointSize, size);
        Signal();
    }

    internal void RecordWriterPosition(long position)
    {
        Interlocked.Exchange(ref _writerPosition, position);
        Signal();
    }

    internal void RecordPointsRefused(long points)
    {
        Interlocked.Add(ref _pointsRefused, points);
        Signal();
    }

    internal void RecordWriteFailure()
    {
        Interlocked.Increment(ref _writeFailures);
        Signal();
    }

    /// <summary>Completes when <paramref name="condition"/> holds, re-evaluated at every change; for tests.</summary>
    public Task WaitUntilAsync(Func<JournalStatistics, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return _changes.WaitUntilAsync(() => condition(this), timeout, () =>
            $"The journal statistics did not reach the expected state within {timeout.TotalSeconds:0.#} s " +
                $"(appended {Appended}, checkpoints {Checkpoints}, writer position {WriterPosition}, refused points {PointsRefused}).", cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private void Signal() => _changes.Notify();
}
