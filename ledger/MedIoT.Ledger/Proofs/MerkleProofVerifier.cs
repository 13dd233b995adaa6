using MedIoT.Ledger.Hashing;

namespace MedIoT.Ledger.Proofs;

/// <summary>
/// Verifies untrusted RFC 9162 proofs exactly as §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) specify, after
/// checking every hash length and the exact proof length. Never throws for any input; compares hashes in constant
/// time. Thread-safe.
/// </summary>
/// <remarks>
/// Edge cases, decided explicitly:
/// <list type="bullet">
/// <item>Inclusion with <c>index ≥ size</c> (so any index in a tree of size 0): <see cref="ProofFailure.IndexOutOfRange"/>.</item>
/// <item>Consistency with <c>first &gt; second</c> or a negative size: <see cref="ProofFailure.SizeOutOfRange"/>.</item>
/// <item>Consistency with <c>first == second</c>: the proof must be empty and the two roots equal.</item>
/// <item>Consistency with <c>first == 0</c>: the proof must be empty and the first root must be MTH({}) (SHA-256 of
/// the empty string); every tree extends the empty tree, so the second root is not constrained.</item>
/// </list>
/// </remarks>
public static class MerkleProofVerifier
{
    /// <summary>Verifies that <paramref name="leafHash"/> is leaf <paramref name="index"/> of the tree of <paramref name="size"/> with <paramref name="root"/>.</summary>
    public static bool TryVerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof,
        ReadOnlySpan<byte> root, out ProofFailure failure)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || size < 0 || index >= size)
        {
            return Fail(ProofFailure.IndexOutOfRange, out failure);
        }

        if (proof.Count != ProofLength.Inclusion(index, size))
        {
            return Fail(ProofFailure.WrongProofLength, out failure);
        }

        if (leafHash.Length != MerkleHash.Length || root.Length != MerkleHash.Length || !AllHashes(proof))
        {
            return Fail(ProofFailure.MalformedHash, out failure);
        }

        // RFC 9162 §2.1.3.2, steps 3 to 6.
        var fn = (ulong)index;
        var sn = (ulong)(size - 1);
        Span<byte> r = stackalloc byte[MerkleHash.Length];
        leafHash.CopyTo(r);
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return Fail(ProofFailure.WrongProofLength, out failure);
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.HashChildren(p, r, r);
                if ((fn & 1) == 0)
                {
                    do
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                    while ((fn & 1) == 0 && fn != 0);
                }
            }
            else
            {
                MerkleHash.HashChildren(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        // Step 7: sn must be 0 and r must equal the root. Both are evaluated, so the comparison always runs.
        var rootMatches = MerkleHash.FixedTimeEquals(r, root);
        if (sn != 0)
        {
            return Fail(ProofFailure.WrongProofLength, out failure);
        }

        return rootMatches ? Succeed(out failure) : Fail(ProofFailure.RootMismatch, out failure);
    }

    /// <summary>
    /// Verifies that the tree of <paramref name="second"/> leaves with <paramref name="secondRoot"/> extends the tree of
    /// <paramref name="first"/> leaves with <paramref name="firstRoot"/>.
    /// </summary>
    public static bool TryVerifyConsistency(long first, long second, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot,
        IReadOnlyList<byte[]> proof, out ProofFailure failure)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (first < 0 || second < 0 || first > second)
        {
            return Fail(ProofFailure.SizeOutOfRange, out failure);
        }

        if (proof.Count != ProofLength.Consistency(first, second))
        {
            return Fail(ProofFailure.WrongProofLength, out failure);
        }

        if (firstRoot.Length != MerkleHash.Length || secondRoot.Length != MerkleHash.Length || !AllHashes(proof))
        {
            return Fail(ProofFailure.MalformedHash, out failure);
        }

        if (first == second)
        {
            return MerkleHash.FixedTimeEquals(firstRoot, secondRoot) ? Succeed(out failure) : Fail(ProofFailure.RootMismatch, out failure);
        }

        if (first == 0)
        {
            return MerkleHash.FixedTimeEquals(firstRoot, MerkleHash.EmptyRoot) ? Succeed(out failure) : Fail(ProofFailure.RootMismatch, out failure);
        }

        // RFC 9162 §2.1.4.2 step 2: if first is an exact power of two, prepend firstRoot to the path.
        var prependFirstRoot = ulong.IsPow2((ulong)first);
        var path = prependFirstRoot ? new byte[proof.Count + 1][] : new byte[proof.Count][];
        if (prependFirstRoot)
        {
            path[0] = firstRoot.ToArray();
        }

        for (var i = 0; i < proof.Count; i++)
        {
            path[prependFirstRoot ? i + 1 : i] = proof[i];
        }

        // Steps 3 to 5.
        var fn = (ulong)(first - 1);
        var sn = (ulong)(second - 1);
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Span<byte> fr = stackalloc byte[MerkleHash.Length];
        Span<byte> sr = stackalloc byte[MerkleHash.Length];
        path[0].CopyTo(fr);
        path[0].CopyTo(sr);
        for (var i = 1; i < path.Length; i++)
        {
            var c = path[i];
            if (sn == 0)
            {
                return Fail(ProofFailure.WrongProofLength, out failure);
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.HashChildren(c, fr, fr);
                MerkleHash.HashChildren(c, sr, sr);
                if ((fn & 1) == 0)
                {
                    do
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                    while ((fn & 1) == 0 && fn != 0);
                }
            }
            else
            {
                MerkleHash.HashChildren(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        // Step 6: both comparisons always run (constant time in what matches).
        var firstMatches = MerkleHash.FixedTimeEquals(fr, firstRoot);
        var secondMatches = MerkleHash.FixedTimeEquals(sr, secondRoot);
        if (sn != 0)
        {
            return Fail(ProofFailure.WrongProofLength, out failure);
        }

        return firstMatches & secondMatches ? Succeed(out failure) : Fail(ProofFailure.RootMismatch, out failure);
    }

    private static bool AllHashes(IReadOnlyList<byte[]> proof)
    {
        foreach (var hash in proof)
        {
            if (hash is null || hash.Length != MerkleHash.Length)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Succeed(out ProofFailure failure)
    {
        failure = ProofFailure.None;
        return true;
    }

    private static bool Fail(ProofFailure reason, out ProofFailure failure)
    {
        failure = reason;
        return false;
    }
}
