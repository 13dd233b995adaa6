using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MedIoT.Ledger.Service;

/// <summary>
/// The ledger service's counters, on the Meter <c>MedIoT.Ledger.Service</c> (GET /metrics, docs/metrics.md) and read by
/// GET /health and the tests. Rejections are counted per reason; the first of each reason is logged, the rest only counted.
/// </summary>
internal sealed class LedgerStatistics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "MedIoT.Ledger.Service";

    private readonly Meter _meter;
    private readonly Counter<long> _anchored;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _forks;
    private readonly Counter<long> _cosignatures;
    private readonly Counter<long> _witnessFailures;
    private readonly Counter<long> _alarms;
    private readonly Histogram<int> _batchSize;
    private readonly ConcurrentDictionary<string, long> _rejections = new(StringComparer.Ordinal);
    private long _anchoredCount;
    private long _forkCount;
    private long _batchCount;
    private long _cosignatureCount;
    private long _witnessFailureCount;
    private long _alarmCount;

    /// <summary>Creates the counters on a meter of <paramref name="meterFactory"/> (the service's own, so /metrics shows this service only).</summary>
    public LedgerStatistics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _anchored = _meter.CreateCounter<long>("mediot.ledger.anchored", description: "Gateway checkpoints appended to the ledger");
        _rejected = _meter.CreateCounter<long>("mediot.ledger.rejected", description: "Submissions and requests refused, by reason");
        _forks = _meter.CreateCounter<long>("mediot.ledger.forks", description: "Gateway checkpoints refused as forks (evidence stored)");
        _cosignatures = _meter.CreateCounter<long>("mediot.ledger.cosignatures", description: "Witness cosignatures collected");
        _witnessFailures = _meter.CreateCounter<long>("mediot.ledger.witness_failures", description: "Witness requests refused or failed, by witness");
        _alarms = _meter.CreateCounter<long>("mediot.ledger.alarms_published", description: "Fork alarms published to the IT channel");
        _batchSize = _meter.CreateHistogram<int>("mediot.ledger.batch_size", description: "Submissions per group commit");
    }

    public long Anchored => Interlocked.Read(ref _anchoredCount);

    public long Forks => Interlocked.Read(ref _forkCount);

    public long Batches => Interlocked.Read(ref _batchCount);

    public long Cosignatures => Interlocked.Read(ref _cosignatureCount);

    public long WitnessFailures => Interlocked.Read(ref _witnessFailureCount);

    public long AlarmsPublished => Interlocked.Read(ref _alarmCount);

    public IReadOnlyDictionary<string, long> Rejections => new Dictionary<string, long>(_rejections, StringComparer.Ordinal);

    public void RecordAnchored(int count)
    {
        Interlocked.Add(ref _anchoredCount, count);
        _anchored.Add(count);
    }

    public void RecordBatch(int submissions)
    {
        Interlocked.Increment(ref _batchCount);
        _batchSize.Record(submissions);
    }

    /// <summary>Counts a rejection; true when it is the first of its reason (log it).</summary>
    public bool RecordRejection(string reason)
    {
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        return _rejections.AddOrUpdate(reason, 1, (_, count) => count + 1) == 1;
    }

    public void RecordFork()
    {
        Interlocked.Increment(ref _forkCount);
        _forks.Add(1);
    }

    public void RecordCosignature(string witness)
    {
        Interlocked.Increment(ref _cosignatureCount);
        _cosignatures.Add(1, new KeyValuePair<string, object?>("witness", witness));
    }

    public void RecordWitnessFailure(string witness)
    {
        Interlocked.Increment(ref _witnessFailureCount);
        _witnessFailures.Add(1, new KeyValuePair<string, object?>("witness", witness));
    }

    public void RecordAlarmPublished()
    {
        Interlocked.Increment(ref _alarmCount);
        _alarms.Add(1);
    }

    public void Dispose() => _meter.Dispose();
}
