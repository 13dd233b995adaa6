using MedIoT.Ledger.Service.Storage;

namespace MedIoT.Ledger.Service.Anchoring;

/// <summary>What became of a submission.</summary>
internal enum SubmissionStatus
{
    /// <summary>Appended as a new leaf (HTTP 200 with a receipt).</summary>
    Anchored,

    /// <summary>The same checkpoint was anchored before (an idempotent retry; HTTP 200 with its receipt).</summary>
    AlreadyAnchored,

    /// <summary>The old size is not the latest anchored size (HTTP 409 with that size).</summary>
    OldSizeMismatch,

    /// <summary>A fork: refused, evidence stored (HTTP 409 for a conflicting size, 422 for a failed proof).</summary>
    Fork,
}

/// <summary>The durable outcome of a submission.</summary>
/// <param name="Status">What happened.</param>
/// <param name="LeafIndex">The leaf index of the anchored checkpoint (Anchored, AlreadyAnchored), else -1.</param>
/// <param name="AnchoredSize">The gateway's latest anchored size after the submission.</param>
/// <param name="Fork">The fork reason (Fork), else null.</param>
/// <param name="EvidenceId">The stored evidence's id (Fork), else 0.</param>
internal sealed record SubmissionOutcome(SubmissionStatus Status, long LeafIndex, long AnchoredSize, ForkReason? Fork = null, long EvidenceId = 0);
