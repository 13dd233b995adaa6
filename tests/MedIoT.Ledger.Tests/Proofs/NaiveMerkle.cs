using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;

namespace MedIoT.Ledger.Tests.Proofs;

/// <summary>
/// RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 written as literally as possible (recursion over slices of leaf hashes),
/// as the reference that the log's loop-based builder and stored nodes are checked against.
/// </summary>
internal static class NaiveMerkle
{
    public static byte[] Mth(ReadOnlySpan<byte[]> leafHashes)
    {
        if (leafHashes.Length == 0)
        {
            return MerkleHash.EmptyRoot.ToArray();
        }

        if (leafHashes.Length == 1)
        {
            return leafHashes[0];
        }

        var k = LargestPowerOfTwoBelow(leafHashes.Length);
        return MerkleHash.HashChildren(Mth(leafHashes[..k]), Mth(leafHashes[k..]));
    }

    public static List<byte[]> Path(int m, ReadOnlySpan<byte[]> d)
    {
        if (d.Length == 1)
        {
            return [];
        }

        var k = LargestPowerOfTwoBelow(d.Length);
        if (m < k)
        {
            var path = Path(m, d[..k]);
            path.Add(Mth(d[k..]));
            return path;
        }

        var right = Path(m - k, d[k..]);
        right.Add(Mth(d[..k]));
        return right;
    }

    public static List<byte[]> Proof(int m, ReadOnlySpan<byte[]> d) => m == 0 || m == d.Length ? [] : SubProof(m, d, true);

    public static List<byte[]> SubProof(int m, ReadOnlySpan<byte[]> d, bool b)
    {
        if (m == d.Length)
        {
            return b ? [] : [Mth(d)];
        }

        var k = LargestPowerOfTwoBelow(d.Length);
        if (m <= k)
        {
            var proof = SubProof(m, d[..k], b);
            proof.Add(Mth(d[k..]));
            return proof;
        }

        var rest = SubProof(m - k, d[k..], false);
        rest.Add(Mth(d[..k]));
        return rest;
    }

    private static int LargestPowerOfTwoBelow(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }
}

/// <summary>Every perfect-subtree hash of a tree kept in memory by level: the simplest <see cref="IMerkleNodeSource"/>.</summary>
internal sealed class InMemoryTree : IMerkleNodeSource
{
    private readonly List<List<byte[]>> _levels = [[]];

    public InMemoryTree(IEnumerable<byte[]> leafHashes)
    {
        foreach (var hash in leafHashes)
        {
            Add(hash);
        }
    }

    public long Size => _levels[0].Count;

    public void Add(byte[] leafHash)
    {
        _levels[0].Add(leafHash);
        var level = 0;
        while (_levels[level].Count % 2 == 0)
        {
            if (_levels.Count == level + 1)
            {
                _levels.Add([]);
            }

            var nodes = _levels[level];
            _levels[level + 1].Add(MerkleHash.HashChildren(nodes[^2], nodes[^1]));
            level++;
        }
    }

    public void ReadNode(int level, long index, Span<byte> destination) => _levels[level][(int)index].CopyTo(destination);
}
