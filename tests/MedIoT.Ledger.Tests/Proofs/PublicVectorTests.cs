using System.Text.RegularExpressions;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Tests.Hashing;

namespace MedIoT.Ledger.Tests.Proofs;

/// <summary>
/// transparency-dev/merkle testdata/inclusion and testdata/consistency, every file transcribed as data
/// (<see cref="PublicProbes"/>): each probe must get the upstream verdict from our verifier.
/// </summary>
public sealed partial class PublicVectorTests
{
    public static TheoryData<string> InclusionProbeIds => Ids(PublicProbes.Inclusion.Select(p => p.Id));

    public static TheoryData<string> ConsistencyProbeIds => Ids(PublicProbes.Consistency.Select(p => p.Id));

    public static TheoryData<string> CorruptedInclusionProbeIds => Ids(PublicProbes.Inclusion.Where(p => p.WantErr).Select(p => p.Id));

    public static TheoryData<string> CorruptedConsistencyProbeIds => Ids(PublicProbes.Consistency.Where(p => p.WantErr).Select(p => p.Id));

    public static TheoryData<int> InclusionFolders => Folders("inclusion");

    public static TheoryData<int> ConsistencyFolders => Folders("consistency");

    [Theory]
    [MemberData(nameof(InclusionProbeIds))]
    public void Inclusion_probe_gets_the_upstream_verdict(string id)
    {
        var p = PublicProbes.InclusionById(id);
        foreach (var index in PublicProbes.ApiValues(p.LeafIndex))
        {
            foreach (var size in PublicProbes.ApiValues(p.TreeSize))
            {
                var verified = MerkleProofVerifier.TryVerifyInclusion(index, size, p.LeafHash, p.Proof, p.Root, out var failure);
                Assert.True(verified == !p.WantErr, $"{id} (index {index}, size {size}): upstream wantErr {p.WantErr}, ours {failure}");
                Assert.Equal(verified, failure == ProofFailure.None);
            }
        }
    }

    [Theory]
    [MemberData(nameof(ConsistencyProbeIds))]
    public void Consistency_probe_gets_the_upstream_verdict(string id)
    {
        var p = PublicProbes.ConsistencyById(id);
        foreach (var size1 in PublicProbes.ApiValues(p.Size1))
        {
            foreach (var size2 in PublicProbes.ApiValues(p.Size2))
            {
                var verified = MerkleProofVerifier.TryVerifyConsistency(size1, size2, p.Root1, p.Root2, p.Proof, out var failure);
                Assert.True(verified == !p.WantErr, $"{id} (size1 {size1}, size2 {size2}): upstream wantErr {p.WantErr}, ours {failure}");
                Assert.Equal(verified, failure == ProofFailure.None);
            }
        }
    }

    [Fact]
    public void Every_file_of_every_upstream_folder_is_transcribed()
    {
        Assert.Equal([0, 1, 2, 3, 4], PublicProbes.Listing.Where(l => l.Kind == "inclusion").Select(l => l.Folder));
        Assert.Equal([0, 1, 2, 3, 4], PublicProbes.Listing.Where(l => l.Kind == "consistency").Select(l => l.Folder));
        foreach (var folder in PublicProbes.Listing)
        {
            var names = folder.Kind == "inclusion"
                ? PublicProbes.Inclusion.Where(p => p.Folder == folder.Folder).Select(p => p.Name).ToList()
                : PublicProbes.Consistency.Where(p => p.Folder == folder.Folder).Select(p => p.Name).ToList();
            Assert.True(folder.Files == names.Count, $"{folder.Kind}/{folder.Folder}: {names.Count} transcribed, {folder.Files} listed upstream");
            Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
            Assert.Single(names, n => n == "happy-path");
        }

        // Upstream expects success exactly for the happy paths.
        Assert.All(PublicProbes.Inclusion, p => Assert.Equal(p.Name != "happy-path", p.WantErr));
        Assert.All(PublicProbes.Consistency, p => Assert.Equal(p.Name != "happy-path", p.WantErr));
        Assert.All(PublicProbes.Inclusion, p => Assert.Matches("^[0-9a-f]{40}$", p.Commit));
        Assert.All(PublicProbes.Consistency, p => Assert.Matches("^[0-9a-f]{40}$", p.Commit));
    }

    [Theory]
    [MemberData(nameof(InclusionFolders))]
    public void Inclusion_happy_path_is_the_reference_tree_and_what_the_builder_generates(int folder)
    {
        var p = PublicProbes.InclusionHappy(folder);
        var (index, size) = ((long)p.LeafIndex, (long)p.TreeSize);
        Assert.Equal(ReferenceTree.Root(size), p.Root);
        Assert.Equal(MerkleHash.HashLeaf(ReferenceTree.LeafInputs[index]), p.LeafHash);
        var tree = new InMemoryTree(ReferenceTree.LeafInputs.Take((int)size).Select(l => MerkleHash.HashLeaf(l)));
        Assert.Equal(p.Proof, MerkleProofBuilder.InclusionProof(tree, index, size));
    }

    [Theory]
    [MemberData(nameof(ConsistencyFolders))]
    public void Consistency_happy_path_is_the_reference_tree_and_what_the_builder_generates(int folder)
    {
        var p = PublicProbes.ConsistencyHappy(folder);
        var (size1, size2) = ((long)p.Size1, (long)p.Size2);
        Assert.Equal(ReferenceTree.Root(size1), p.Root1);
        Assert.Equal(ReferenceTree.Root(size2), p.Root2);
        var tree = new InMemoryTree(ReferenceTree.LeafInputs.Take((int)size2).Select(l => MerkleHash.HashLeaf(l)));
        Assert.Equal(p.Proof, MerkleProofBuilder.ConsistencyProof(tree, size1, size2));
    }

    /// <summary>
    /// Guards the transcription: each corrupted file is its folder's happy path with exactly the change its name says.
    /// Upstream renamed files twice ("leafIndex-^-2" → "leafIdx-^-2" → "leafIdx-XOR-@2", "treeSize-*-2" →
    /// "treeSize-mul-@2", "modified-proof[0]-bit-4" → "modified-proof@0-bit-@4"); every generation maps to one change.
    /// </summary>
    [Theory]
    [MemberData(nameof(CorruptedInclusionProbeIds))]
    public void Corrupted_inclusion_file_is_its_happy_path_with_the_named_change(string id)
    {
        var p = PublicProbes.InclusionById(id);
        var h = PublicProbes.InclusionHappy(p.Folder);
        var expected = Regex.Replace(p.Name, "^leafIndex-", "leafIdx-") switch
        {
            "leafIdx-+-1" or "leafIdx-plus-@1" => h with { LeafIndex = h.LeafIndex + 1 },
            "leafIdx---1" or "leafIdx-sub-@1" => h with { LeafIndex = Uint64(h.LeafIndex - 1) },
            "leafIdx-^-2" or "leafIdx-XOR-@2" => h with { LeafIndex = h.LeafIndex ^ 2 },
            "treeSize-*-2" or "treeSize-mul-@2" => h with { TreeSize = h.TreeSize * 2 },
            "treeSize-div-2" or "treeSize-div-@2" => h with { TreeSize = h.TreeSize / 2 },
            "wrong-leaf" => h with { LeafHash = "WrongLeaf"u8.ToArray() },
            "empty-root" => h with { Root = PublicProbes.EmptyTreeHash },
            "random-root" => h with { Root = PublicProbes.SomeHash },
            "trailing-garbage" => h with { Proof = [.. h.Proof, []] },
            "trailing-root" => h with { Proof = [.. h.Proof, h.Root] },
            "preceding-garbage" => h with { Proof = [[], .. h.Proof] },
            "preceding-root" => h with { Proof = [h.Root, .. h.Proof] },
            "removed-component" => h with { Proof = h.Proof[..^1] },
            "inserted-component" => h with { Proof = [h.Proof[0], PublicProbes.SomeHash, .. h.Proof[1..]] },
            var name when ModifiedInclusionProof().Match(name) is { Success: true } m => h with { Proof = FlipBit(h.Proof, m, 3) },
            var name => throw new InvalidDataException($"no rule for {name}"),
        };

        Assert.Equal(expected.LeafIndex, p.LeafIndex);
        Assert.Equal(expected.TreeSize, p.TreeSize);
        Assert.Equal(expected.Root, p.Root);
        Assert.Equal(expected.LeafHash, p.LeafHash);
        Assert.Equal(expected.Proof, p.Proof);
    }

    /// <summary>The consistency counterpart of <see cref="Corrupted_inclusion_file_is_its_happy_path_with_the_named_change"/>.</summary>
    [Theory]
    [MemberData(nameof(CorruptedConsistencyProbeIds))]
    public void Corrupted_consistency_file_is_its_happy_path_with_the_named_change(string id)
    {
        var p = PublicProbes.ConsistencyById(id);
        var h = PublicProbes.ConsistencyHappy(p.Folder);
        var expected = p.Name switch
        {
            "size1-+-1" or "size1-plus-@1" => h with { Size1 = h.Size1 + 1 },
            "size1---1" or "size1-sub-@1" => h with { Size1 = Uint64(h.Size1 - 1) },
            "size1-^-2" or "size1-XOR-@2" => h with { Size1 = h.Size1 ^ 2 },
            "size2-*-2" or "size2-mul-@2" => h with { Size2 = h.Size2 * 2 },
            "size2-div-2" or "size2-div-@2" => h with { Size2 = h.Size2 / 2 },
            "wrong-root1" => h with { Root1 = "WrongRoot"u8.ToArray() },
            "wrong-root2" => h with { Root2 = "WrongRoot"u8.ToArray() },
            "swapped-roots" => h with { Root1 = h.Root2, Root2 = h.Root1 },
            "empty-proof" => h with { Proof = [] },
            "trailing-garbage" => h with { Proof = [.. h.Proof, []] },
            "trailing-root1" => h with { Proof = [.. h.Proof, h.Root1] },
            "trailing-root2" => h with { Proof = [.. h.Proof, h.Root2] },
            "preceding-garbage" => h with { Proof = [[], .. h.Proof] },
            "preceding-root1" => h with { Proof = [h.Root1, .. h.Proof] },
            "preceding-root2" => h with { Proof = [h.Root2, .. h.Proof] },
            "preceding-proof[0]" or "preceding-proof-@0" => h with { Proof = [h.Proof[0], .. h.Proof] },
            "truncated-proof" => h with { Proof = h.Proof[..^1] },
            var name when ModifiedConsistencyProof().Match(name) is { Success: true } m => h with { Proof = FlipBit(h.Proof, m, 4) },
            var name => throw new InvalidDataException($"no rule for {name}"),
        };

        Assert.Equal(expected.Size1, p.Size1);
        Assert.Equal(expected.Size2, p.Size2);
        Assert.Equal(expected.Root1, p.Root1);
        Assert.Equal(expected.Root2, p.Root2);
        Assert.Equal(expected.Proof, p.Proof);
    }

    [Fact]
    public void Upstream_numbers_beyond_long_are_transcribed_and_rejected_as_out_of_range()
    {
        // "leafIdx - 1" from index 0 is Go's uint64 2^64 - 1; through our long API it is -1 or, saturated, long.MaxValue.
        var wrapped = PublicProbes.Inclusion.Where(p => p.LeafIndex > long.MaxValue).ToList();
        Assert.Equal(
            ["inclusion/0/leafIdx---1", "inclusion/0/leafIdx-sub-@1", "inclusion/0/leafIndex---1", "inclusion/1/leafIdx---1",
                "inclusion/1/leafIdx-sub-@1", "inclusion/1/leafIndex---1"],
            wrapped.Select(p => p.Id).Order(StringComparer.Ordinal));
        foreach (var p in wrapped)
        {
            Assert.Equal(ulong.MaxValue, p.LeafIndex);
            Assert.Equal([-1L, long.MaxValue], PublicProbes.ApiValues(p.LeafIndex));
            foreach (var index in PublicProbes.ApiValues(p.LeafIndex))
            {
                Assert.False(MerkleProofVerifier.TryVerifyInclusion(index, (long)p.TreeSize, p.LeafHash, p.Proof, p.Root, out var failure));
                Assert.Equal(ProofFailure.IndexOutOfRange, failure);
            }
        }
    }

    [Fact]
    public void Upstream_corruptions_fail_for_the_expected_reason()
    {
        // Our verifier's order (RFC 9162 §2.1.3.2 / §2.1.4.2 plus checks before hashing): range, exact proof length,
        // hash lengths, then the recomputed roots.
        Assert.Equal(ProofFailure.IndexOutOfRange, Inclusion("inclusion/0/treeSize-div-2")); // size 0
        Assert.Equal(ProofFailure.IndexOutOfRange, Inclusion("inclusion/2/treeSize-div-@2")); // 5 of 4
        Assert.Equal(ProofFailure.IndexOutOfRange, Inclusion("inclusion/3/leafIdx-plus-@1")); // 3 of 3
        Assert.Equal(ProofFailure.WrongProofLength, Inclusion("inclusion/2/treeSize-*-2")); // 5 of 16 needs 4 hashes
        Assert.Equal(ProofFailure.WrongProofLength, Inclusion("inclusion/2/trailing-garbage"));
        Assert.Equal(ProofFailure.WrongProofLength, Inclusion("inclusion/2/preceding-root"));
        Assert.Equal(ProofFailure.WrongProofLength, Inclusion("inclusion/2/removed-component"));
        Assert.Equal(ProofFailure.WrongProofLength, Inclusion("inclusion/2/inserted-component"));
        Assert.Equal(ProofFailure.WrongProofLength, Inclusion("inclusion/0/preceding-garbage"));
        Assert.Equal(ProofFailure.WrongProofLength, Inclusion("inclusion/3/leafIdx-^-2")); // index 0 of 3 needs 2 hashes
        Assert.Equal(ProofFailure.MalformedHash, Inclusion("inclusion/2/wrong-leaf"));
        Assert.Equal(ProofFailure.RootMismatch, Inclusion("inclusion/2/random-root"));
        Assert.Equal(ProofFailure.RootMismatch, Inclusion("inclusion/2/empty-root"));
        Assert.Equal(ProofFailure.RootMismatch, Inclusion("inclusion/2/modified-proof[1]-bit-3"));
        Assert.Equal(ProofFailure.RootMismatch, Inclusion("inclusion/2/leafIdx-plus-@1"));
        Assert.Equal(ProofFailure.RootMismatch, Inclusion("inclusion/2/leafIdx-sub-@1"));

        Assert.Equal(ProofFailure.SizeOutOfRange, Consistency("consistency/2/size2-div-@2")); // 6 > 4
        Assert.Equal(ProofFailure.WrongProofLength, Consistency("consistency/1/size1-sub-@1")); // 0 → 8 takes no hashes
        Assert.Equal(ProofFailure.WrongProofLength, Consistency("consistency/4/size1-plus-@1")); // 7 → 7 takes no hashes
        Assert.Equal(ProofFailure.WrongProofLength, Consistency("consistency/3/size2-div-@2")); // 2 → 2 takes no hashes
        Assert.Equal(ProofFailure.WrongProofLength, Consistency("consistency/2/empty-proof"));
        Assert.Equal(ProofFailure.WrongProofLength, Consistency("consistency/2/truncated-proof"));
        Assert.Equal(ProofFailure.WrongProofLength, Consistency("consistency/2/preceding-proof-@0"));
        Assert.Equal(ProofFailure.WrongProofLength, Consistency("consistency/4/trailing-root2"));
        Assert.Equal(ProofFailure.MalformedHash, Consistency("consistency/2/wrong-root1"));
        Assert.Equal(ProofFailure.MalformedHash, Consistency("consistency/2/wrong-root2"));
        Assert.Equal(ProofFailure.RootMismatch, Consistency("consistency/2/swapped-roots"));
        Assert.Equal(ProofFailure.RootMismatch, Consistency("consistency/2/modified-proof@1-bit-@4"));
        Assert.Equal(ProofFailure.WrongProofLength, Consistency("consistency/4/size1-XOR-@2")); // 4 → 7 takes 1 hash
        Assert.Equal(ProofFailure.RootMismatch, Consistency("consistency/4/modified-proof[0]-bit-4"));

        static ProofFailure Inclusion(string id)
        {
            var p = PublicProbes.InclusionById(id);
            MerkleProofVerifier.TryVerifyInclusion((long)p.LeafIndex, (long)p.TreeSize, p.LeafHash, p.Proof, p.Root, out var failure);
            return failure;
        }

        static ProofFailure Consistency(string id)
        {
            var p = PublicProbes.ConsistencyById(id);
            MerkleProofVerifier.TryVerifyConsistency((long)p.Size1, (long)p.Size2, p.Root1, p.Root2, p.Proof, out var failure);
            return failure;
        }
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
        Assert.False(MerkleProofVerifier.TryVerifyInclusion(0, -1, leaf, [], root, out failure));
        Assert.Equal(ProofFailure.IndexOutOfRange, failure);
        Assert.False(MerkleProofVerifier.TryVerifyInclusion(long.MinValue, long.MinValue, leaf, [], root, out failure));
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
        Assert.False(MerkleProofVerifier.TryVerifyConsistency(-1, -1, root, root, [], out failure));
        Assert.Equal(ProofFailure.SizeOutOfRange, failure);
        Assert.False(MerkleProofVerifier.TryVerifyConsistency(1, long.MinValue, root, root, [], out failure));
        Assert.Equal(ProofFailure.SizeOutOfRange, failure);
    }

    private static TheoryData<string> Ids(IEnumerable<string> ids)
    {
        var data = new TheoryData<string>();
        foreach (var id in ids)
        {
            data.Add(id);
        }

        return data;
    }

    private static TheoryData<int> Folders(string kind)
    {
        var data = new TheoryData<int>();
        foreach (var listing in PublicProbes.Listing.Where(l => l.Kind == kind))
        {
            data.Add(listing.Folder);
        }

        return data;
    }

    /// <summary>The 64-bit wrap-around of Go's uint64 arithmetic, in which upstream computed the corrupted numbers.</summary>
    private static Int128 Uint64(Int128 value) => value & ulong.MaxValue;

    private static byte[][] FlipBit(byte[][] proof, Match match, int bit)
    {
        var copy = proof.Select(h => h.ToArray()).ToArray();
        copy[int.Parse(match.Groups["i"].Value, System.Globalization.CultureInfo.InvariantCulture)][0] ^= (byte)(1 << bit);
        return copy;
    }

    /// <summary>"modified-proof[1]-bit-3" (older) or "modified-proof[1]-bit-@3" (newer).</summary>
    [GeneratedRegex(@"^modified-proof\[(?<i>\d+)\]-bit-@?3$")]
    private static partial Regex ModifiedInclusionProof();

    /// <summary>"modified-proof[1]-bit-4" (older) or "modified-proof@1-bit-@4" (newer).</summary>
    [GeneratedRegex(@"^modified-proof(\[(?<i>\d+)\]|@(?<i>\d+))-bit-@?4$")]
    private static partial Regex ModifiedConsistencyProof();
}
