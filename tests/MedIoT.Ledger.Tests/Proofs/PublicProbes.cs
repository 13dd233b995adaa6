using System.Globalization;
using System.Text.Json;

namespace MedIoT.Ledger.Tests.Proofs;

/// <summary>One upstream testdata/inclusion/N/NAME.json file: is <see cref="LeafHash"/> leaf <see cref="LeafIndex"/> of the tree of <see cref="TreeSize"/> with <see cref="Root"/>?</summary>
/// <remarks>The numbers are kept exactly as upstream wrote them (Go uint64, so possibly above <see cref="long.MaxValue"/>).</remarks>
internal sealed record InclusionProbe(
    int Folder, string Name, string Commit, Int128 LeafIndex, Int128 TreeSize, byte[] Root, byte[] LeafHash, byte[][] Proof, bool WantErr)
{
    /// <summary>"inclusion/N/NAME": the upstream path below testdata/, without ".json".</summary>
    public string Id => $"inclusion/{Folder}/{Name}";
}

/// <summary>One upstream testdata/consistency/N/NAME.json file: does the tree (<see cref="Size2"/>, <see cref="Root2"/>) extend (<see cref="Size1"/>, <see cref="Root1"/>)?</summary>
internal sealed record ConsistencyProbe(
    int Folder, string Name, string Commit, Int128 Size1, Int128 Size2, byte[] Root1, byte[] Root2, byte[][] Proof, bool WantErr)
{
    /// <summary>"consistency/N/NAME": the upstream path below testdata/, without ".json".</summary>
    public string Id => $"consistency/{Folder}/{Name}";
}

/// <summary>How many files the upstream listing of one testdata/KIND/N folder holds.</summary>
internal sealed record ProbeFolderListing(string Kind, int Folder, int Files);

/// <summary>
/// The inclusion and consistency probes of https://github.com/transparency-dev/merkle, transcribed as data: every file
/// under <c>testdata/inclusion/0..4/</c> and <c>testdata/consistency/0..4/</c>, read at commits
/// cd8c8f80f54ec37e8bb7a997e74f7f8f68efc2d8, 73a0db1c2a2bd17afd311403643abea0266cbf87,
/// 65362ac5a212fd079e82284b91b5f87aac41b56a, bcba819ef46f73fd3aaa964f46778beab2e20d59 and
/// eb6f9b756ec5f89a43e60adfd3ef151073e92198 (each record names its own), with the listing count of every folder.
/// The data is the embedded resource <c>Proofs/Data/transparency-dev-probes.jsonl</c>; its format is described in
/// <c>Proofs/Data/README.md</c>. Byte arrays stay base64 as Go's encoding/json wrote them; numbers are decimal strings.
/// </summary>
internal static class PublicProbes
{
    /// <summary>SHA-256 of the empty string: MTH of the empty tree.</summary>
    public static readonly byte[] EmptyTreeHash = Convert.FromHexString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    /// <summary>"abacaba000…60061e00123456", the arbitrary hash the upstream generator uses (random root, inserted component).</summary>
    public static readonly byte[] SomeHash = Convert.FromHexString("abacaba000000000000000000000000000000000000000000060061e00123456");

    private const string ResourceName = "transparency-dev-probes.jsonl";

    private static readonly (List<ProbeFolderListing> Listing, List<InclusionProbe> Inclusion, List<ConsistencyProbe> Consistency) Data = Load();

    public static IReadOnlyList<ProbeFolderListing> Listing => Data.Listing;

    public static IReadOnlyList<InclusionProbe> Inclusion => Data.Inclusion;

    public static IReadOnlyList<ConsistencyProbe> Consistency => Data.Consistency;

    public static InclusionProbe InclusionById(string id) => Data.Inclusion.Single(p => p.Id == id);

    public static ConsistencyProbe ConsistencyById(string id) => Data.Consistency.Single(p => p.Id == id);

    public static InclusionProbe InclusionHappy(int folder) => Data.Inclusion.Single(p => p.Folder == folder && p.Name == "happy-path");

    public static ConsistencyProbe ConsistencyHappy(int folder) => Data.Consistency.Single(p => p.Folder == folder && p.Name == "happy-path");

    /// <summary>
    /// The <see cref="long"/> values a caller of our API can end up with for an upstream number: the number itself when
    /// it fits; otherwise both its 64-bit pattern read as signed (a Go uint64 2^64 - 1 becomes -1) and the nearest
    /// <see cref="long"/> (saturation). A verifier must reach the same verdict for each.
    /// </summary>
    public static IEnumerable<long> ApiValues(Int128 value)
    {
        if (value >= long.MinValue && value <= long.MaxValue)
        {
            yield return (long)value;
            yield break;
        }

        if (value >= 0 && value <= ulong.MaxValue)
        {
            yield return unchecked((long)(ulong)value);
        }

        yield return value > 0 ? long.MaxValue : long.MinValue;
    }

    private static (List<ProbeFolderListing>, List<InclusionProbe>, List<ConsistencyProbe>) Load()
    {
        var listing = new List<ProbeFolderListing>();
        var inclusion = new List<InclusionProbe>();
        var consistency = new List<ConsistencyProbe>();
        using var stream = typeof(PublicProbes).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var r = document.RootElement;
            switch (r.GetProperty("record").GetString())
            {
                case "listing":
                    listing.Add(new ProbeFolderListing(r.GetProperty("kind").GetString()!, r.GetProperty("folder").GetInt32(), r.GetProperty("files").GetInt32()));
                    break;
                case "inclusion":
                    inclusion.Add(new InclusionProbe(
                        r.GetProperty("folder").GetInt32(), r.GetProperty("name").GetString()!, r.GetProperty("commit").GetString()!,
                        Number(r, "leafIdx"), Number(r, "treeSize"), Bytes(r, "root"), Bytes(r, "leafHash"), Proof(r), r.GetProperty("wantErr").GetBoolean()));
                    break;
                case "consistency":
                    consistency.Add(new ConsistencyProbe(
                        r.GetProperty("folder").GetInt32(), r.GetProperty("name").GetString()!, r.GetProperty("commit").GetString()!,
                        Number(r, "size1"), Number(r, "size2"), Bytes(r, "root1"), Bytes(r, "root2"), Proof(r), r.GetProperty("wantErr").GetBoolean()));
                    break;
                default:
                    throw new InvalidDataException($"unknown record in {ResourceName}: {line}");
            }
        }

        return (listing, inclusion, consistency);
    }

    private static Int128 Number(JsonElement record, string name) =>
        Int128.Parse(record.GetProperty(name).GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private static byte[] Bytes(JsonElement record, string name) => Convert.FromBase64String(record.GetProperty(name).GetString()!);

    /// <summary>Go writes a nil slice as null: an empty proof.</summary>
    private static byte[][] Proof(JsonElement record)
    {
        var proof = record.GetProperty("proof");
        return proof.ValueKind == JsonValueKind.Null ? [] : [.. proof.EnumerateArray().Select(e => Convert.FromBase64String(e.GetString()!))];
    }
}
