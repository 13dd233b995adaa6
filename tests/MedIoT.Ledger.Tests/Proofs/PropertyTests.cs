using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;

namespace MedIoT.Ledger.Tests.Proofs;

/// <summary>The builder and verifier against the naive recursive RFC definitions, for every size up to 300 and seeded larger sizes.</summary>
public sealed class PropertyTests
{
    private const int ExhaustiveLimit = 300;

    private static byte[][] LeafHashes(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var entry = new byte[random.Next(0, 40)];
            random.NextBytes(entry);
            return MerkleHash.HashLeaf(entry);
        })];
    }

    [Fact]
    public void Roots_and_inclusion_proofs_equal_mth_and_path_for_every_size_and_index_up_to_300()
    {
        var leaves = LeafHashes(ExhaustiveLimit, seed: 1);
        var tree = new InMemoryTree([]);
        for (var size = 1; size <= ExhaustiveLimit; size++)
        {
            tree.Add(leaves[size - 1]);
            var root = NaiveMerkle.Mth(leaves.AsSpan(0, size));
            Assert.Equal(root, MerkleProofBuilder.RootHash(tree, size));
            for (var index = 0; index < size; index++)
            {
                var proof = MerkleProofBuilder.InclusionProof(tree, index, size);
                Assert.Equal(NaiveMerkle.Path(index, leaves.AsSpan(0, size)), proof);
                Assert.Equal(proof.Length, ProofLength.Inclusion(index, size));
                Assert.True(MerkleProofVerifier.TryVerifyInclusion(index, size, leaves[index], proof, root, out var failure), $"{index}/{size}: {failure}");
            }
        }
    }

    [Fact]
    public void Consistency_proofs_equal_subproof_and_verify_for_every_pair_of_sizes_up_to_300()
    {
        var leaves = LeafHashes(ExhaustiveLimit, seed: 2);
        var tree = new InMemoryTree(leaves);
        var roots = Enumerable.Range(0, ExhaustiveLimit + 1).Select(n => MerkleProofBuilder.RootHash(tree, n)).ToArray();
        for (var second = 0; second <= ExhaustiveLimit; second++)
        {
            for (var first = 0; first <= second; first++)
            {
                var proof = MerkleProofBuilder.ConsistencyProof(tree, first, second);
                Assert.Equal(proof.Length, ProofLength.Consistency(first, second));
                if (second <= 100 || first % 7 == 0)
                {
                    // The naive SUBPROOF costs O(n log n) hashes per call: every pair up to 100, a stride above.
                    Assert.Equal(NaiveMerkle.Proof(first, leaves.AsSpan(0, second)), proof);
                }

                Assert.True(MerkleProofVerifier.TryVerifyConsistency(first, second, roots[first], roots[second], proof, out var failure),
                    $"{first}->{second}: {failure}");
            }
        }
    }

    [Fact]
    public void Any_single_bit_flip_in_a_proof_or_a_wrong_neighbour_root_is_rejected()
    {
        var leaves = LeafHashes(70, seed: 3);
        var tree = new InMemoryTree(leaves);
        var random = new Random(4);
        for (var trial = 0; trial < 2000; trial++)
        {
            var second = random.Next(2, 71);
            var first = random.Next(1, second);
            var proof = MerkleProofBuilder.ConsistencyProof(tree, first, second);
            var rootFirst = MerkleProofBuilder.RootHash(tree, first);
            var rootSecond = MerkleProofBuilder.RootHash(tree, second);
            var corrupted = proof.Select(h => h.ToArray()).ToArray();
            corrupted[random.Next(corrupted.Length)][random.Next(32)] ^= (byte)(1 << random.Next(8));
            Assert.False(MerkleProofVerifier.TryVerifyConsistency(first, second, rootFirst, rootSecond, corrupted, out _));
            Assert.False(MerkleProofVerifier.TryVerifyConsistency(first, second, MerkleProofBuilder.RootHash(tree, first - 1), rootSecond, proof, out _));

            var index = random.Next(second);
            var inclusion = MerkleProofBuilder.InclusionProof(tree, index, second);
            if (inclusion.Length > 0)
            {
                inclusion[random.Next(inclusion.Length)][random.Next(32)] ^= (byte)(1 << random.Next(8));
                Assert.False(MerkleProofVerifier.TryVerifyInclusion(index, second, leaves[index], inclusion, rootSecond, out _));
            }
        }
    }

    [Fact]
    public void Seeded_random_larger_sizes_agree_with_the_naive_definitions()
    {
        var random = new Random(5);
        var leaves = LeafHashes(20_000, seed: 6);
        var tree = new InMemoryTree(leaves);
        for (var trial = 0; trial < 12; trial++)
        {
            var second = random.Next(301, leaves.Length + 1);
            var first = random.Next(1, second);
            var index = random.Next(second);
            var root = NaiveMerkle.Mth(leaves.AsSpan(0, second));
            Assert.Equal(root, MerkleProofBuilder.RootHash(tree, second));
            var path = MerkleProofBuilder.InclusionProof(tree, index, second);
            Assert.Equal(NaiveMerkle.Path(index, leaves.AsSpan(0, second)), path);
            Assert.True(MerkleProofVerifier.TryVerifyInclusion(index, second, leaves[index], path, root, out _));
            var consistency = MerkleProofBuilder.ConsistencyProof(tree, first, second);
            Assert.Equal(NaiveMerkle.Proof(first, leaves.AsSpan(0, second)), consistency);
            Assert.True(MerkleProofVerifier.TryVerifyConsistency(first, second, MerkleProofBuilder.RootHash(tree, first), root, consistency, out _));
        }
    }

    [Fact]
    public void Proof_lengths_hold_for_sizes_near_the_top_of_the_range()
    {
        // No tree needed: lengths are pure functions of the sizes; a proof is at most 64 hashes.
        Assert.Equal(62, ProofLength.Inclusion(0, long.MaxValue / 2 + 1));
        Assert.Equal(3, ProofLength.Inclusion(5, 8));
        Assert.InRange(ProofLength.Consistency(3, long.MaxValue), 1, 64);
    }
}
