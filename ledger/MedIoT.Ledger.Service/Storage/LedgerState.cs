namespace MedIoT.Ledger.Service.Storage;

/// <summary>Everything the service loads at start: the leaf hashes in order, each gateway's latest anchor, the latest ledger checkpoint and each witness's cosigned size.</summary>
/// <param name="LeafHashes">Every leaf hash of the ledger's log, in leaf order.</param>
/// <param name="LatestAnchors">Each registered gateway's latest anchored checkpoint, by origin.</param>
/// <param name="LatestCheckpoint">The latest signed ledger checkpoint, or null for an empty ledger.</param>
/// <param name="WitnessSizes">The size each witness last cosigned, by witness name.</param>
public sealed record LedgerState(
    IReadOnlyList<byte[]> LeafHashes,
    IReadOnlyDictionary<string, AnchoredCheckpoint> LatestAnchors,
    LedgerCheckpointRecord? LatestCheckpoint,
    IReadOnlyDictionary<string, long> WitnessSizes);
