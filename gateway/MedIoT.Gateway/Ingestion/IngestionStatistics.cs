using System.Diagnostics.Metrics;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// Counts what ingestion did: frames accepted, duplicates, rejections per reason and readings stored.
/// Each rejection reason is logged once, at its first occurrence (device id and reason, never the
/// payload); afterwards it is only counted and appears in the periodic summary. Published as
/// <c>System.Diagnostics.Metrics</c> instruments of the meter <c>MedIoT.Gateway</c>.
/// </summary>
public sealed class IngestionStatistics : IDisposable
{
    /// <summary>The meter name, for dotnet-counters or an OpenTelemetry exporter.</summary>
    public const string MeterName = "MedIoT.Gateway";

    private static readonly FrameRejectionReason[] s_reasons = Enum.GetValues<FrameRejectionReason>();

    private readonly ILogger<IngestionStatistics> _logger;
    private readonly Meter _meter;
    private readonly Counter<long> _acceptedCounter;
    private readonly Counter<long> _rejectedCounter;
    private readonly long[] _rejections = new long[s_reasons.Length];
    private long _accepted;
    private long _duplicates;
    private long _observationsStored;
    private long _storeFailures;
    private long _subscriptions;
    // Created only by a waiter, so recording costs nothing when nobody waits.
    private readonly ChangeSignal _changes = new();

    public IngestionStatistics(ILogger<IngestionStatistics> logger, IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _logger = logger;
        _meter = meterFactory.Create(MeterName);
        _acceptedCounter = _meter.CreateCounter<long>("mediot.frames.accepted", "{frame}", "Frames verified and accepted.");
        _rejectedCounter = _meter.CreateCounter<long>("mediot.frames.rejected", "{frame}", "Frames rejected, by reason.");
        _meter.CreateObservableCounter("mediot.frames.duplicate", () => Interlocked.Read(ref _duplicates), "{frame}", "Redelivered frames recognised and stored once.");
        _meter.CreateObservableCounter("mediot.observations.stored", () => Interlocked.Read(ref _observationsStored), "{observation}", "Observations written to InfluxDB.");
    }

    /// <summary>Frames accepted.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Redelivered frames recognised as duplicates.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Observations written to InfluxDB.</summary>
    public long ObservationsStored => Interlocked.Read(ref _observationsStored);

    /// <summary>Failed write attempts to InfluxDB (each retried).</summary>
    public long StoreFailures => Interlocked.Read(ref _storeFailures);

    /// <summary>How many times the frames subscription was (re-)established.</summary>
    public long Subscriptions => Interlocked.Read(ref _subscriptions);

    /// <summary>Frames rejected for <paramref name="reason"/>.</summary>
    public long Rejected(FrameRejectionReason reason) => Interlocked.Read(ref _rejections[(int)reason]);

    /// <summary>All frames rejected, whatever the reason.</summary>
    public long RejectedTotal
    {
        get
        {
            long total = 0;
            for (var i = 0; i < _rejections.Length; i++)
            {
                total += Interlocked.Read(ref _rejections[i]);
            }

            return total;
        }
    }

    /// <summary>Records the outcome of one frame.</summary>
    public void Record(in IngestionOutcome outcome)
    {
        if (outcome.Frame is not null)
        {
            Interlocked.Increment(ref _accepted);
            _acceptedCounter.Add(1);
        }
        else if (outcome.IsDuplicate)
        {
            Interlocked.Increment(ref _duplicates);
        }
        else
        {
            var count = Interlocked.Increment(ref _rejections[(int)outcome.Reason]);
            _rejectedCounter.Add(1, new KeyValuePair<string, object?>("reason", outcome.Reason.ToString()));
            if (count == 1)
            {
                LogFirstRejection(outcome);
            }
        }

        Signal();
    }

    /// <summary>Records that the frames subscription is in place.</summary>
    public void RecordSubscribed()
    {
        Interlocked.Increment(ref _subscriptions);
        Signal();
    }

    /// <summary>Records observations made durable in InfluxDB.</summary>
    public void RecordStored(int observations)
    {
        Interlocked.Add(ref _observationsStored, observations);
        Signal();
    }

    /// <summary>Records a failed write attempt.</summary>
    public void RecordStoreFailure()
    {
        Interlocked.Increment(ref _storeFailures);
        Signal();
    }

    /// <summary>Logs the totals so far (no values, no device ids).</summary>
    public void LogSummary()
    {
        var rejections = string.Join(", ", s_reasons.Where(r => Rejected(r) > 0).Select(r => $"{r}={Rejected(r)}"));
        Log.IngestionSummary(_logger, Accepted, Duplicates, ObservationsStored, rejections.Length == 0 ? "none" : rejections);
    }

    /// <summary>Completes when <paramref name="condition"/> holds, re-evaluated at every change; for tests and health checks.</summary>
    public Task WaitUntilAsync(Func<IngestionStatistics, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return _changes.WaitUntilAsync(() => condition(this), timeout, () =>
            $"The ingestion statistics did not reach the expected state within {timeout.TotalSeconds:0.#} s " +
                $"(accepted {Accepted}, duplicates {Duplicates}, rejected {RejectedTotal}, stored {ObservationsStored}).", cancellationToken);
    }

    public void Dispose() => _meter.Dispose();

    private void Signal() => _changes.Notify();

    private void LogFirstRejection(in IngestionOutcome outcome)
    {
        var device = outcome.DeviceId ?? "(unknown)";
        var detail = outcome.Detail ?? string.Empty;
        if (IsSecurityEvent(outcome.Reason))
        {
            Log.SecurityRejection(_logger, outcome.Reason, device, detail);
        }
        else
        {
            Log.FrameRejected(_logger, outcome.Reason, device, detail);
        }
    }

    /// <summary>Reasons that point at forgery, impersonation or replay rather than a broken device (docs/device-protocol.md).</summary>
    public static bool IsSecurityEvent(FrameRejectionReason reason) => reason is
        FrameRejectionReason.BadSignature or FrameRejectionReason.UnknownDevice or FrameRejectionReason.RevokedDevice
        or FrameRejectionReason.SequenceConflict or FrameRejectionReason.ReplayedSequence
        or FrameRejectionReason.KeyIdMismatch or FrameRejectionReason.TopicMismatch;
}
