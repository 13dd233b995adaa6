using MedIoT.Ledger.Hashing;

namespace MedIoT.Ledger.Proofs;

/// <summary>
/// Builds RFC 9162 roots and proofs from stored perfect-subtree hashes: PATH (§2.1.3.1) and SUBPROOF (§2.1.4.1),
/// written as loops that walk the recursion top-down and reverse the result. Every sibling is a perfect subtree
/// (one read) except at most one per level on the right border of the tree, which folds its own peaks; so a proof
/// costs O(log n) reads.
/// </summary>
public static class MerkleProofBuilder
{
    /// <summary>MTH(D[0:size]); MTH({}) for size 0.</summary>
    public static byte[] RootHash(IMerkleNodeSource source, long size)
    {
        var root = new byte[MerkleHash.Length];
        if (size == 0)
        {
            MerkleHash.EmptyRoot.CopyTo(root);
        }
        else
        {
            RangeHash(source, 0, size, root);
        }

        return root;
    }

    /// <summary>PATH(index, D[0:size]), the audit path from the leaf's sibling up to the root's child.</summary>
    public static byte[][] InclusionProof(IMerkleNodeSource source, long index, long size)
    {
        var proof = new List<byte[]>(64);
        long lo = 0, hi = size;
        while (hi - lo > 1)
        {
            var k = MerkleHash.SplitPoint(hi - lo);
            if (index < lo + k)
            {
                proof.Add(RangeHash(source, lo + k, hi));
                hi = lo + k;
            }
            else
            {
                proof.Add(RangeHash(source, lo, lo + k));
                lo += k;
            }
        }

        proof.Reverse();
        return [.. proof];
    }

    /// <summary>PROOF(first, D[0:second]) = SUBPROOF(first, D[0:second], true); empty for first = 0 or first = second.</summary>
    public static byte[][] ConsistencyProof(IMerkleNodeSource source, long first, long second)
    {
        if (first == 0 || first == second)
        {
            return [];
        }

        var proof = new List<byte[]>(64);
        long lo = 0, hi = second, m = first;
        var onLeftBorder = true;
        while (true)
        {
            var n = hi - lo;
            if (m == n)
            {
                if (!onLeftBorder)
                {
                    proof.Add(RangeHash(source, lo, hi));
                }

                break;
            }

            var k = MerkleHash.SplitPoint(n);
            if (m <= k)
            {
                proof.Add(RangeHash(source, lo + k, hi));
                hi = lo + k;
            }
            else
            {
                proof.Add(RangeHash(source, lo, lo + k));
                lo += k;
                m -= k;
                onLeftBorder = false;
            }
        }

        proof.Reverse();
        return [.. proof];
    }

    private static byte[] RangeHash(IMerkleNodeSource source, long lo, long hi)
    {
        var hash = new byte[MerkleHash.Length];
        RangeHash(source, lo, hi, hash);
        return hash;
    }

    /// <summary>
    /// MTH(D[lo:hi]) where lo is a multiple of the largest power of two not above hi - lo (true for every range that
    /// the RFC recursion produces): one read when the range is a perfect subtree, else a fold of its peaks.
    /// </summary>
    private static void RangeHash(IMerkleNodeSource source, long lo, long hi, Span<byte> destination)
    {
        var width = hi - lo;
        if (long.IsPow2(width) && lo % width == 0)
        {
            var level = long.TrailingZeroCount(width);
            source.ReadNode((int)level, lo >> (int)level, destination);
            return;
        }

        var k = MerkleHash.SplitPoint(width);
        Span<byte> left = stackalloc byte[MerkleHash.Length];
        Span<byte> right = stackalloc byte[MerkleHash.Length];
        RangeHash(source, lo, lo + k, left);
        RangeHash(source, lo + k, hi, right);
        MerkleHash.HashChildren(left, right, destination);
    }
}
