namespace MedIoT.Ledger.Proofs;

/// <summary>
/// Where proof generation reads the hashes of perfect subtrees: the durable log, or an in-memory tree in tests.
/// </summary>
public interface IMerkleNodeSource
{
    /// <summary>Reads MTH of the perfect subtree of 2^<paramref name="level"/> leaves starting at leaf <c>index · 2^level</c>.</summary>
    void ReadNode(int level, long index, Span<byte> destination);
}
