namespace MedIoT.Ledger.Proofs;

/// <summary>
/// The exact number of hashes in an RFC 9162 proof, computed from the sizes alone, so that a verifier can reject a
/// proof of the wrong length before hashing anything.
/// </summary>
public static class ProofLength
{
    /// <summary>
    /// The length of PATH(index, D[0:size]) (RFC 9162 §2.1.3.1): the bits below the highest bit in which
    /// <paramref name="index"/> and <c>size - 1</c> differ (siblings inside the perfect subtree), plus one for every
    /// set bit above it (left siblings on the right border of the tree).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not <c>0 ≤ index &lt; size</c>.</exception>
    public static int Inclusion(long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var inner = 64 - (int)ulong.LeadingZeroCount((ulong)index ^ (ulong)(size - 1));
        var border = (int)ulong.PopCount((ulong)index >> inner);
        return inner + border;
    }

    /// <summary>
    /// The length of PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1); 0 when <paramref name="first"/> is 0 or equals
    /// <paramref name="second"/> (our explicit decision: those proofs are empty). Walks the SUBPROOF recursion
    /// with sizes only: one hash per level, plus MTH(D[0:first]) itself unless it is a left-border node (b = true).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not <c>0 ≤ first ≤ second</c>.</exception>
    public static int Consistency(long first, long second)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, second);
        if (first == 0 || first == second)
        {
            return 0;
        }

        long m = first, n = second;
        var onLeftBorder = true;
        var length = 0;
        while (m != n)
        {
            var k = Hashing.MerkleHash.SplitPoint(n);
            length++;
            if (m <= k)
            {
                n = k;
            }
            else
            {
                m -= k;
                n -= k;
                onLeftBorder = false;
            }
        }

        return onLeftBorder ? length : length + 1;
    }
}
