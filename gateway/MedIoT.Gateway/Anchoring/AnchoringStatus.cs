using System.Diagnostics.Metrics;

namespace MedIoT.Gateway.Anchoring;

/// <summary>
/// Where anchoring stands, for <c>GET /health</c> and the meter <c>MedIoT.Gateway.Anchoring</c>: the last anchored size,
/// the unanchored backlog and its age, the last error, and counters. Thread-safe.
/// </summary>
public sealed class AnchoringStatus : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "MedIoT.Gateway.Anchoring";

    private readonly Lock _lock = new();
    private readonly Meter _meter;
    private readonly TimeProvider _timeProvider;
    private long _anchoredSize;
    private int _unanchored;
    private DateTimeOffset? _oldestUnanchoredSince;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private long _submissions;
    private long _anchored;
    private long _unavailable;
    private long _refused;
    private long _forkAlarms;
    private long _badReceipts;
    private long _wrongLedgerOrigins;

    public AnchoringStatus(IMeterFactory meterFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _timeProvider = timeProvider;
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableGauge("mediot.anchoring.anchored_size", () => AnchoredSize, "{entry}", "The journal size of the last checkpoint anchored in the ledger.");
        _meter.CreateObservableGauge("mediot.anchoring.unanchored", () => Unanchored, "{checkpoint}", "Signed checkpoints not anchored yet.");
        _meter.CreateObservableCounter("mediot.anchoring.anchored", () => Anchored, "{checkpoint}", "Checkpoints anchored by this process.");
        _meter.CreateObservableCounter("mediot.anchoring.unavailable", () => Unavailable, "{request}", "Ledger requests without an answer (connection, timeout, 5xx).");
        _meter.CreateObservableCounter("mediot.anchoring.refused", () => Refused, "{request}", "Submissions the ledger refused (4xx other than a reconcilable 409).");
        _meter.CreateObservableCounter("mediot.anchoring.fork_alarms", () => ForkAlarms, "{alarm}", "409 answers naming a size this gateway never signed.");
        _meter.CreateObservableCounter("mediot.anchoring.bad_receipts", () => BadReceipts, "{receipt}", "Receipts from the ledger that did not verify (other than a wrong ledger origin).");
        _meter.CreateObservableCounter("mediot.anchoring.wrong_ledger_origins", () => WrongLedgerOrigins, "{receipt}",
            "Receipts whose ledger checkpoint, signed by the trusted ledger key, is for another origin than the key's name.");
    }

    /// <summary>Whether anchoring is enabled.</summary>
    public bool Enabled { get; internal set; }

    /// <summary>The size of the last anchored checkpoint (0 when none).</summary>
    public long AnchoredSize => Interlocked.Read(ref _anchoredSize);

    /// <summary>Signed checkpoints not anchored yet.</summary>
    public int Unanchored => Volatile.Read(ref _unanchored);

    /// <summary>Checkpoints anchored by this process.</summary>
    public long Anchored => Interlocked.Read(ref _anchored);

    /// <summary>Submissions sent by this process.</summary>
    public long Submissions => Interlocked.Read(ref _submissions);

    /// <summary>Ledger requests that got no answer.</summary>
    public long Unavailable => Interlocked.Read(ref _unavailable);

    /// <summary>Submissions the ledger refused.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Fork alarms: the ledger holds a checkpoint of ours that the journal never signed.</summary>
    public long ForkAlarms => Interlocked.Read(ref _forkAlarms);

    /// <summary>Receipts that did not verify, other than <see cref="WrongLedgerOrigins"/>.</summary>
    public long BadReceipts => Interlocked.Read(ref _badReceipts);

    /// <summary>
    /// Receipts whose ledger checkpoint carries the trusted ledger key's valid signature but another origin than the
    /// key's name (<c>Gateway:Anchoring:LedgerKey</c> pins the ledger).
    /// </summary>
    public long WrongLedgerOrigins => Interlocked.Read(ref _wrongLedgerOrigins);

    /// <summary>Seconds since the oldest unanchored checkpoint was first seen by this process (0 when none is waiting).</summary>
    public double OldestUnanchoredSeconds
    {
        get
        {
            lock (_lock)
            {
                return _oldestUnanchoredSince is { } since ? Math.Max(0, (_timeProvider.GetUtcNow() - since).TotalSeconds) : 0;
            }
        }
    }

    /// <summary>The last error (one line, no secrets) and when it happened, or nulls.</summary>
    public (string? Message, DateTimeOffset? At) LastError
    {
        get
        {
            lock (_lock)
            {
                return (_lastError, _lastErrorAt);
            }
        }
    }

    internal void SetBacklog(long anchoredSize, int unanchored, DateTimeOffset? oldestSince)
    {
        lock (_lock)
        {
            Interlocked.Exchange(ref _anchoredSize, anchoredSize);
            Volatile.Write(ref _unanchored, unanchored);
            _oldestUnanchoredSince = oldestSince;
        }
    }

    internal void RecordError(string message)
    {
        lock (_lock)
        {
            _lastError = message;
            _lastErrorAt = _timeProvider.GetUtcNow();
        }
    }

    internal void RecordSubmission() => Interlocked.Increment(ref _submissions);

    internal void RecordAnchored() => Interlocked.Increment(ref _anchored);

    internal void RecordUnavailable() => Interlocked.Increment(ref _unavailable);

    internal void RecordRefused() => Interlocked.Increment(ref _refused);

    internal void RecordForkAlarm() => Interlocked.Increment(ref _forkAlarms);

    internal void RecordBadReceipt() => Interlocked.Increment(ref _badReceipts);

    internal void RecordWrongLedgerOrigin() => Interlocked.Increment(ref _wrongLedgerOrigins);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
