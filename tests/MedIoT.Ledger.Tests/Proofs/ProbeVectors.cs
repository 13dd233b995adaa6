using MedIoT.Ledger.Hashing;

namespace MedIoT.Ledger.Tests.Proofs;

/// <summary>One inclusion probe: verify leafHash at index in a tree of size with root through proof.</summary>
internal sealed record InclusionProbe(string Name, long Index, long Size, byte[] Root, byte[] LeafHash, byte[][] Proof);

/// <summary>One consistency probe between (size1, root1) and (size2, root2).</summary>
internal sealed record ConsistencyProbe(string Name, long Size1, long Size2, byte[] Root1, byte[] Root2, byte[][] Proof);

/// <summary>
/// The happy-path probes of transparency-dev/merkle testdata/inclusion/0..4 and testdata/consistency/0..4 (the same
/// facts as proof/verify_test.go), over the reference tree, and every corrupted variant those files hold, named like
/// the files (e.g. "leafIdx-+-1", "modified-proof[0]-bit-3", "size1-XOR-@2"). The corruptions are the data: each one
/// is a fixed transformation of its happy path, written out below, and each must be rejected.
/// </summary>
internal static class ProbeVectors
{
    /// <summary>"abacaba000…60061e00123456", the arbitrary hash of the public test data.</summary>
    public static readonly byte[] SomeHash = Convert.FromHexString("abacaba000000000000000000000000000000000000000000060061e00123456");

    public static readonly byte[] EmptyTreeHash = Convert.FromHexString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    /// <summary>(leaf index, tree size, proof) of testdata/inclusion/0..4.</summary>
    public static readonly (long Index, long Size, string[] Proof)[] InclusionHappyPaths =
    [
        (0, 1, []),
        (0, 8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        (5, 8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        (2, 3,
        [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        ]),
        (1, 5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
    ];

    /// <summary>(size1, size2, proof) of testdata/consistency/0..4.</summary>
    public static readonly (long Size1, long Size2, string[] Proof)[] ConsistencyHappyPaths =
    [
        (1, 1, []),
        (1, 8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        (6, 8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        (2, 5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
        (6, 7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
    ];

    public static InclusionProbe InclusionHappy(int number)
    {
        var (index, size, proof) = InclusionHappyPaths[number];
        var leafHash = MerkleHash.HashLeaf(Convert.FromHexString(Hashing.ReferenceTree.LeafInputsHex[index]));
        return new InclusionProbe("happy-path", index, size, Hashing.ReferenceTree.Root(size), leafHash, [.. proof.Select(Convert.FromHexString)]);
    }

    public static ConsistencyProbe ConsistencyHappy(int number)
    {
        var (size1, size2, proof) = ConsistencyHappyPaths[number];
        return new ConsistencyProbe("happy-path", size1, size2, Hashing.ReferenceTree.Root(size1), Hashing.ReferenceTree.Root(size2),
            [.. proof.Select(Convert.FromHexString)]);
    }

    /// <summary>The corrupted inclusion probes of one testdata/inclusion/N folder.</summary>
    public static IEnumerable<InclusionProbe> CorruptedInclusion(InclusionProbe p)
    {
        // Unsigned arithmetic as in the Go data: index 0 - 1 wraps to 2^64 - 1, out of every range; here long.MaxValue stands for it.
        long Minus1(long v) => v == 0 ? long.MaxValue : v - 1;
        yield return p with { Name = "leafIdx---1", Index = Minus1(p.Index) };
        yield return p with { Name = "leafIdx-+-1", Index = p.Index + 1 };
        yield return p with { Name = "leafIdx-^-2", Index = p.Index ^ 2 };
        yield return p with { Name = "treeSize-*-2", Size = p.Size * 2 };
        yield return p with { Name = "treeSize-div-2", Size = p.Size / 2 };
        yield return p with { Name = "wrong-leaf", LeafHash = "WrongLeaf"u8.ToArray() };
        yield return p with { Name = "empty-root", Root = EmptyTreeHash };
        yield return p with { Name = "random-root", Root = SomeHash };
        yield return p with { Name = "trailing-garbage", Proof = [.. p.Proof, []] };
        yield return p with { Name = "trailing-root", Proof = [.. p.Proof, p.Root] };
        yield return p with { Name = "preceding-garbage", Proof = [[], .. p.Proof] };
        yield return p with { Name = "preceding-root", Proof = [p.Root, .. p.Proof] };
        for (var i = 0; i < p.Proof.Length; i++)
        {
            var proof = p.Proof.Select(h => h.ToArray()).ToArray();
            proof[i][0] ^= 8;
            yield return p with { Name = $"modified-proof[{i}]-bit-3", Proof = proof };
        }

        if (p.Proof.Length > 0)
        {
            yield return p with { Name = "removed-component", Proof = p.Proof[..^1] };
        }

        if (p.Proof.Length > 1)
        {
            yield return p with { Name = "inserted-component", Proof = [p.Proof[0], SomeHash, .. p.Proof[1..]] };
        }
    }

    /// <summary>The corrupted consistency probes of one testdata/consistency/N folder (only for non-empty proofs, as there).</summary>
    public static IEnumerable<ConsistencyProbe> CorruptedConsistency(ConsistencyProbe p)
    {
        yield return p with { Name = "size1---1", Size1 = p.Size1 - 1 };
        yield return p with { Name = "size1-+-1", Size1 = p.Size1 + 1 };
        yield return p with { Name = "size1-^-2", Size1 = p.Size1 ^ 2 };
        yield return p with { Name = "size2-*-2", Size2 = p.Size2 * 2 };
        yield return p with { Name = "size2-div-2", Size2 = p.Size2 / 2 };
        yield return p with { Name = "wrong-root1", Root1 = "WrongRoot"u8.ToArray() };
        yield return p with { Name = "wrong-root2", Root2 = "WrongRoot"u8.ToArray() };
        yield return p with { Name = "swapped-roots", Root1 = p.Root2, Root2 = p.Root1 };
        yield return p with { Name = "empty-proof", Proof = [] };
        yield return p with { Name = "trailing-garbage", Proof = [.. p.Proof, []] };
        yield return p with { Name = "trailing-root1", Proof = [.. p.Proof, p.Root1] };
        yield return p with { Name = "trailing-root2", Proof = [.. p.Proof, p.Root2] };
        yield return p with { Name = "preceding-garbage", Proof = [[], .. p.Proof] };
        yield return p with { Name = "preceding-root1", Proof = [p.Root1, .. p.Proof] };
        yield return p with { Name = "preceding-root2", Proof = [p.Root2, .. p.Proof] };
        yield return p with { Name = "preceding-proof[0]", Proof = [p.Proof[0], .. p.Proof] };
        yield return p with { Name = "truncated-proof", Proof = p.Proof[..^1] };
        for (var i = 0; i < p.Proof.Length; i++)
        {
            var proof = p.Proof.Select(h => h.ToArray()).ToArray();
            proof[i][0] ^= 16;
            yield return p with { Name = $"modified-proof[{i}]-bit-4", Proof = proof };
        }
    }
}
