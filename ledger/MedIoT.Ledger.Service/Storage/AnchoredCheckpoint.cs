namespace MedIoT.Ledger.Service.Storage;

/// <summary>
/// A gateway checkpoint the ledger anchored: leaf <paramref name="LeafIndex"/> of the ledger's log, whose leaf is the
/// UTF-8 bytes of <paramref name="Note"/> (the gateway's signed note as submitted).
/// </summary>
/// <param name="LeafIndex">The leaf index in the ledger's log.</param>
/// <param name="Origin">The gateway's log origin.</param>
/// <param name="Size">The gateway checkpoint's tree size.</param>
/// <param name="RootHash">The gateway checkpoint's root hash (32 bytes).</param>
/// <param name="Note">The gateway's signed checkpoint note, verbatim.</param>
public sealed record AnchoredCheckpoint(long LeafIndex, string Origin, long Size, byte[] RootHash, string Note);
