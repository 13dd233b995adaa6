using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MedIoT.Ledger.Witness.Cosigning;

namespace MedIoT.Ledger.Witness;

/// <summary>
/// The witness's counters, on the Meter <c>MedIoT.Ledger.Witness</c> (GET /metrics, docs/metrics.md) and kept in process for
/// <c>GET /health</c>: cosignatures returned, requests refused per reason, evidence kept and evidence not kept.
/// </summary>
internal sealed class WitnessMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "MedIoT.Ledger.Witness";

    private readonly Meter _meter;
    private readonly Counter<long> _cosigned;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _evidenceKept;
    private readonly Counter<long> _evidenceDropped;
    private readonly ConcurrentDictionary<WitnessRejection, long> _rejections = new();
    private long _cosignedTotal;
    private long _evidenceKeptTotal;
    private long _evidenceDroppedTotal;

    /// <summary>Creates the counters on a meter of <paramref name="meterFactory"/> (the witness's own, so /metrics shows this witness only).</summary>
    public WitnessMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _cosigned = _meter.CreateCounter<long>("mediot.witness.cosigned", "{checkpoint}", "Checkpoints cosigned (200 responses).");
        _rejected = _meter.CreateCounter<long>("mediot.witness.rejected", "{request}", "add-checkpoint requests refused, tagged with the reason.");
        _evidenceKept = _meter.CreateCounter<long>("mediot.witness.evidence.kept", "{file}", "Inconsistent checkpoints kept as evidence.");
        _evidenceDropped = _meter.CreateCounter<long>("mediot.witness.evidence.dropped", "{request}", "Inconsistent checkpoints not kept because the evidence folder is full.");
    }

    /// <summary>This witness's meter instance (tests tell it from other witnesses in the same process).</summary>
    public Meter Meter => _meter;

    public long Cosigned => Interlocked.Read(ref _cosignedTotal);

    public long EvidenceKept => Interlocked.Read(ref _evidenceKeptTotal);

    public long EvidenceDropped => Interlocked.Read(ref _evidenceDroppedTotal);

    /// <summary>The refusals so far, per reason.</summary>
    public IReadOnlyDictionary<WitnessRejection, long> Rejections => _rejections.ToDictionary();

    public void CountCosigned()
    {
        Interlocked.Increment(ref _cosignedTotal);
        _cosigned.Add(1);
    }

    public void CountRejected(WitnessRejection reason)
    {
        _rejections.AddOrUpdate(reason, 1, (_, count) => count + 1);
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", ReasonTag(reason)));
    }

    public void CountEvidenceKept()
    {
        Interlocked.Increment(ref _evidenceKeptTotal);
        _evidenceKept.Add(1);
    }

    public void CountEvidenceDropped()
    {
        Interlocked.Increment(ref _evidenceDroppedTotal);
        _evidenceDropped.Add(1);
    }

    /// <summary>The stable tag value of a reason: its name in snake case.</summary>
    public static string ReasonTag(WitnessRejection reason) => reason switch
    {
        WitnessRejection.MalformedBody => "malformed_body",
        WitnessRejection.BodyTooLarge => "body_too_large",
        WitnessRejection.UnknownOrigin => "unknown_origin",
        WitnessRejection.BadSignature => "bad_signature",
        WitnessRejection.OldSizeAboveCheckpoint => "old_size_above_checkpoint",
        WitnessRejection.ProofFromEmptyTree => "proof_from_empty_tree",
        WitnessRejection.StaleOldSize => "stale_old_size",
        WitnessRejection.SameSizeDifferentRoot => "same_size_different_root",
        WitnessRejection.InconsistentProof => "inconsistent_proof",
        WitnessRejection.WrongOrigin => "wrong_origin",
        _ => "none",
    };

    public void Dispose() => _meter.Dispose();
}
