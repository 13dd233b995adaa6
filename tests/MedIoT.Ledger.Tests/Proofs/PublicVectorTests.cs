using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Tests.Hashing;

namespace MedIoT.Ledger.Tests.Proofs;

/// <summary>transparency-dev/merkle testdata/inclusion and testdata/consistency, every happy path and every corruption.</summary>
public sealed class PublicVectorTests
{
    public static TheoryData<int> InclusionFolders => [0, 1, 2, 3, 4];

    public static TheoryData<int> ConsistencyFolders => [0, 1, 2, 3, 4];

    [Theory]
    [MemberData(nameof(InclusionFolders))]
    public void Inclusion_happy_path_verifies_and_is_what_the_builder_generates(int folder)
    {
        var probe = ProbeVectors.InclusionHappy(folder);
        Assert.True(MerkleProofVerifier.TryVerifyInclusion(probe.Index, probe.Size, probe.LeafHash, probe.Proof, probe.Root, out var failure), failure.ToString());
        Assert.Equal(ProofFailure.None, failure);

        var tree = new InMemoryTree(ReferenceTree.LeafInputs.Take((int)probe.Size).Select(l => MerkleHash.HashLeaf(l)));
        Assert.Equal(probe.Proof, MerkleProofBuilder.InclusionProof(tree, probe.Index, probe.Size));
    }

    [Theory]
    [MemberData(nameof(InclusionFolders))]
    public void Every_corrupted_inclusion_probe_is_rejected(int folder)
    {
        var probes = ProbeVectors.CorruptedInclusion(ProbeVectors.InclusionHappy(folder)).ToList();
        Assert.True(probes.Count >= 12);
        foreach (var probe in probes)
        {
            var verified = MerkleProofVerifier.TryVerifyInclusion(probe.Index, probe.Size, probe.LeafHash, probe.Proof, probe.Root, out var failure);
            Assert.False(verified, $"inclusion/{folder}/{probe.Name} verified");
            Assert.NotEqual(ProofFailure.None, failure);
        }
    }

    [Fact]
    public void Corrupted_inclusion_probes_fail_for_the_expected_reason()
    {
        var happy = ProbeVectors.InclusionHappy(2); // index 5 of 8
        var reasons = ProbeVectors.CorruptedInclusion(happy).ToDictionary(p => p.Name, p =>
        {
            MerkleProofVerifier.TryVerifyInclusion(p.Index, p.Size, p.LeafHash, p.Proof, p.Root, out var failure);
            return failure;
        });
        Assert.Equal(ProofFailure.IndexOutOfRange, reasons["treeSize-div-2"]);
        Assert.Equal(ProofFailure.WrongProofLength, reasons["treeSize-*-2"]);
        Assert.Equal(ProofFailure.MalformedHash, reasons["wrong-leaf"]);
        Assert.Equal(ProofFailure.RootMismatch, reasons["random-root"]);
        Assert.Equal(ProofFailure.WrongProofLength, reasons["trailing-garbage"]);
        Assert.Equal(ProofFailure.WrongProofLength, reasons["preceding-root"]);
        Assert.Equal(ProofFailure.WrongProofLength, reasons["removed-component"]);
        Assert.Equal(ProofFailure.RootMismatch, reasons["modified-proof[1]-bit-3"]);
        Assert.Equal(ProofFailure.RootMismatch, reasons["leafIdx-+-1"]);
    }

    [Theory]
    [MemberData(nameof(ConsistencyFolders))]
    public void Consistency_happy_path_verifies_and_is_what_the_builder_generates(int folder)
    {
        var probe = ProbeVectors.ConsistencyHappy(folder);
        Assert.True(MerkleProofVerifier.TryVerifyConsistency(probe.Size1, probe.Size2, probe.Root1, probe.Root2, probe.Proof, out var failure), failure.ToString());

        var tree = new InMemoryTree(ReferenceTree.LeafInputs.Take((int)probe.Size2).Select(l => MerkleHash.HashLeaf(l)));
        Assert.Equal(probe.Proof, MerkleProofBuilder.ConsistencyProof(tree, probe.Size1, probe.Size2));
    }

    [Theory]
    [MemberData(nameof(ConsistencyFolders))]
    public void Every_corrupted_consistency_probe_is_rejected(int folder)
    {
        var happy = ProbeVectors.ConsistencyHappy(folder);
        if (happy.Proof.Length == 0)
        {
            // The public data has no corruptions for an empty proof (consistency/0); cover the sizes' edges instead.
            Assert.False(MerkleProofVerifier.TryVerifyConsistency(1, 1, happy.Root1, ProbeVectors.SomeHash, [], out var reason));
            Assert.Equal(ProofFailure.RootMismatch, reason);
            Assert.False(MerkleProofVerifier.TryVerifyConsistency(1, 1, happy.Root1, happy.Root2, [ProbeVectors.EmptyTreeHash], out reason));
            Assert.Equal(ProofFailure.WrongProofLength, reason);
            return;
        }

        var probes = ProbeVectors.CorruptedConsistency(happy).ToList();
        Assert.True(probes.Count >= 17 + happy.Proof.Length);
        foreach (var probe in probes)
        {
            var verified = MerkleProofVerifier.TryVerifyConsistency(probe.Size1, probe.Size2, probe.Root1, probe.Root2, probe.Proof, out var failure);
            Assert.False(verified, $"consistency/{folder}/{probe.Name} verified");
            Assert.NotEqual(ProofFailure.None, failure);
        }
    }

    [Fact]
    public void Transcribed_file_facts_match_the_generated_variants()
    {
        // testdata/consistency/1/size1-XOR-@2.json: size1 3, size2 8, the happy proof.
        var xor = ProbeVectors.CorruptedConsistency(ProbeVectors.ConsistencyHappy(1)).Single(p => p.Name == "size1-^-2");
        Assert.Equal(3, xor.Size1);
        Assert.Equal(8, xor.Size2);
        // testdata/inclusion/1/inserted-component.json: proof[1] is base64 "q6yroAAAAAAAAAAAAAAAAAAAAAAAAAAAAGAGHgASNFY=".
        var inserted = ProbeVectors.CorruptedInclusion(ProbeVectors.InclusionHappy(1)).Single(p => p.Name == "inserted-component");
        Assert.Equal("q6yroAAAAAAAAAAAAAAAAAAAAAAAAAAAAGAGHgASNFY=", Convert.ToBase64String(inserted.Proof[1]));
        Assert.Equal(4, inserted.Proof.Length);
        // testdata/consistency/4/happy-path.json root1 "duZ9rbzf...", root2 "3bib5AOA...".
        var four = ProbeVectors.ConsistencyHappy(4);
        Assert.Equal("duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=", Convert.ToBase64String(four.Root1));
        Assert.Equal("3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw=", Convert.ToBase64String(four.Root2));
    }

    [Fact]
    public void The_generated_variants_are_exactly_the_files_of_the_public_test_data()
    {
        // File names of testdata/inclusion/1 and testdata/consistency/1 (without ".json"; later commits renamed some,
        // e.g. "leafIdx-^-2" to "leafIdx-XOR-@2", with the same content).
        string[] inclusionFiles =
        [
            "empty-root", "inserted-component", "leafIdx-+-1", "leafIdx---1", "leafIdx-^-2", "modified-proof[0]-bit-3",
            "modified-proof[1]-bit-3", "modified-proof[2]-bit-3", "preceding-garbage", "preceding-root", "random-root",
            "removed-component", "trailing-garbage", "trailing-root", "treeSize-*-2", "treeSize-div-2", "wrong-leaf",
        ];
        string[] consistencyFiles =
        [
            "empty-proof", "modified-proof[0]-bit-4", "modified-proof[1]-bit-4", "modified-proof[2]-bit-4", "preceding-garbage",
            "preceding-proof[0]", "preceding-root1", "preceding-root2", "size1-+-1", "size1---1", "size1-^-2", "size2-*-2",
            "size2-div-2", "swapped-roots", "trailing-garbage", "trailing-root1", "trailing-root2", "truncated-proof",
            "wrong-root1", "wrong-root2",
        ];
        Assert.Equal(inclusionFiles.Order(StringComparer.Ordinal),
            ProbeVectors.CorruptedInclusion(ProbeVectors.InclusionHappy(1)).Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(consistencyFiles.Order(StringComparer.Ordinal),
            ProbeVectors.CorruptedConsistency(ProbeVectors.ConsistencyHappy(1)).Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Edge_cases_are_decided_explicitly()
    {
        var root = ReferenceTree.Root(3);
        var leaf = MerkleHash.HashLeaf([]);
        // Size 0: no index is in range.
        Assert.False(MerkleProofVerifier.TryVerifyInclusion(0, 0, leaf, [], MerkleHash.EmptyRoot, out var failure));
        Assert.Equal(ProofFailure.IndexOutOfRange, failure);
        Assert.False(MerkleProofVerifier.TryVerifyInclusion(3, 3, leaf, [root], root, out failure));
        Assert.Equal(ProofFailure.IndexOutOfRange, failure);
        Assert.False(MerkleProofVerifier.TryVerifyInclusion(-1, 3, leaf, [root], root, out failure));
        Assert.Equal(ProofFailure.IndexOutOfRange, failure);
        // A one-leaf tree: empty proof, root = leaf hash.
        Assert.True(MerkleProofVerifier.TryVerifyInclusion(0, 1, leaf, [], leaf, out _));

        // first == second: empty proof and equal roots.
        Assert.True(MerkleProofVerifier.TryVerifyConsistency(3, 3, root, root, [], out _));
        Assert.False(MerkleProofVerifier.TryVerifyConsistency(3, 3, root, ReferenceTree.Root(4), [], out failure));
        Assert.Equal(ProofFailure.RootMismatch, failure);
        // first == 0: empty proof and the empty-tree root.
        Assert.True(MerkleProofVerifier.TryVerifyConsistency(0, 3, MerkleHash.EmptyRoot, root, [], out _));
        Assert.True(MerkleProofVerifier.TryVerifyConsistency(0, 0, MerkleHash.EmptyRoot, MerkleHash.EmptyRoot, [], out _));
        Assert.False(MerkleProofVerifier.TryVerifyConsistency(0, 3, root, root, [], out failure));
        Assert.Equal(ProofFailure.RootMismatch, failure);
        Assert.False(MerkleProofVerifier.TryVerifyConsistency(0, 3, MerkleHash.EmptyRoot, root, [root], out failure));
        Assert.Equal(ProofFailure.WrongProofLength, failure);
        // first > second and negative sizes.
        Assert.False(MerkleProofVerifier.TryVerifyConsistency(4, 3, root, root, [], out failure));
        Assert.Equal(ProofFailure.SizeOutOfRange, failure);
        Assert.False(MerkleProofVerifier.TryVerifyConsistency(-1, 3, root, root, [], out failure));
        Assert.Equal(ProofFailure.SizeOutOfRange, failure);
    }
}
