using MedIoT.Ledger.Hashing;

namespace MedIoT.Ledger.Witness.State;

/// <summary>The latest checkpoint the witness cosigned for one log: its size, root hash and the signed note as received.</summary>
/// <param name="Size">The tree size (0 when nothing was cosigned yet).</param>
/// <param name="RootHash">The root hash (MTH({}) when nothing was cosigned yet).</param>
/// <param name="SignedNote">The signed checkpoint note as the log sent it, or <see langword="null"/> when nothing was cosigned.</param>
internal sealed record CosignedCheckpoint(long Size, byte[] RootHash, string? SignedNote)
{
    /// <summary>The state of a log never cosigned: size 0, the empty tree's root (tlog-witness: "or zero if it never cosigned").</summary>
    public static CosignedCheckpoint Nothing { get; } = new(0, MerkleHash.EmptyRoot.ToArray(), null);
}
