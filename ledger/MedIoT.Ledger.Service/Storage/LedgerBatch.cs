namespace MedIoT.Ledger.Service.Storage;

/// <summary>
/// What one group commit writes in one transaction: the new leaves (anchored gateway checkpoints, in leaf order), the
/// fork evidence found in the batch, and the ledger checkpoint signed over the new tree (null when nothing was appended).
/// </summary>
public sealed class LedgerBatch
{
    /// <summary>The anchored checkpoints, in leaf order, continuing the stored leaves without a gap.</summary>
    public List<AnchoredCheckpoint> Anchors { get; } = [];

    /// <summary>Their leaf hashes (RFC 9162 §2.1.1), same order.</summary>
    public List<byte[]> LeafHashes { get; } = [];

    /// <summary>Fork evidence to store; the store assigns the ids (read them back from <see cref="StoredEvidence"/>).</summary>
    public List<ForkEvidence> Evidence { get; } = [];

    /// <summary>The evidence as stored, with ids, after a commit.</summary>
    public List<ForkEvidence> StoredEvidence { get; } = [];

    /// <summary>The ledger checkpoint covering the new leaves, or null when the batch appended none.</summary>
    public LedgerCheckpointRecord? Checkpoint { get; set; }

    /// <summary>Whether there is anything to write.</summary>
    public bool IsEmpty => Anchors.Count == 0 && Evidence.Count == 0;
}
