using System.Text;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Tests.Proofs;

namespace MedIoT.Ledger.Tests.Hashing;

public sealed class MerkleHashTests
{
    [Fact]
    public void Empty_tree_root_is_sha256_of_the_empty_string()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleHash.EmptyRoot));
    }

    [Fact]
    public void Leaf_hash_of_the_empty_entry_is_the_rfc_6962_known_answer()
    {
        Assert.Equal("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", Convert.ToHexStringLower(MerkleHash.HashLeaf([])));
    }

    [Fact]
    public void Leaf_and_node_hashes_use_their_domain_separation_prefixes()
    {
        var left = MerkleHash.HashLeaf("a"u8);
        var right = MerkleHash.HashLeaf("b"u8);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData([0x00, .. "a"u8]), left);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData([0x01, .. left, .. right]), MerkleHash.HashChildren(left, right));
    }

    [Fact]
    public void Reference_tree_leaf_and_interior_hashes_match_the_public_test_data()
    {
        var tree = new InMemoryTree(ReferenceTree.LeafInputs.Select(l => MerkleHash.HashLeaf(l)));
        for (var level = 0; level < ReferenceTree.NodeHashesHex.Length; level++)
        {
            for (var index = 0; index < ReferenceTree.NodeHashesHex[level].Length; index++)
            {
                var node = new byte[32];
                tree.ReadNode(level, index, node);
                Assert.Equal(ReferenceTree.NodeHashesHex[level][index], Convert.ToHexStringLower(node));
            }
        }
    }

    [Fact]
    public void Reference_tree_roots_of_every_size_match_the_public_test_data()
    {
        var leaves = ReferenceTree.LeafInputs.Select(l => MerkleHash.HashLeaf(l)).ToArray();
        for (var size = 0; size <= 8; size++)
        {
            var tree = new InMemoryTree(leaves.Take(size));
            Assert.Equal(ReferenceTree.RootsHex[size], Convert.ToHexStringLower(MerkleProofBuilder.RootHash(tree, size)));
            Assert.Equal(ReferenceTree.RootsHex[size], Convert.ToHexStringLower(NaiveMerkle.Mth(leaves.AsSpan(0, size))));
        }
    }

    [Fact]
    public void Wrong_length_inputs_are_programming_errors()
    {
        Assert.Throws<ArgumentException>(() => MerkleHash.HashChildren(new byte[31], new byte[32]));
        Assert.Throws<ArgumentException>(() => MerkleHash.HashLeaf(Encoding.ASCII.GetBytes("x"), new byte[16]));
    }
}
