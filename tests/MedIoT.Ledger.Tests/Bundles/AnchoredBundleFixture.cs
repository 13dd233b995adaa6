using System.Text;
using MedIoT.Cryptography;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Bundles;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;

namespace MedIoT.Ledger.Tests.Bundles;

/// <summary>
/// The whole chain with real parts: a gateway journal (a <see cref="MerkleLog"/> of 6 entries) whose
/// <see cref="CheckpointSigner"/> signed checkpoints at sizes 4 and 6; a hospital ledger (another
/// <see cref="MerkleLog"/>) whose leaves are another gateway's checkpoint and then both of ours, verbatim; the ledger's
/// signed checkpoint cosigned by two witnesses (<see cref="Cosigner"/>); and the receipt of our size-6 checkpoint.
/// </summary>
public sealed class AnchoredBundleFixture : IDisposable
{
    public const string GatewayOrigin = "mediot.example/ward7/gw1";
    public const string LedgerOrigin = "mediot.example/ledger";
    public const string ForeignLedgerOrigin = "mediot.example/ledger-b";
    public const int EntryIndex = 2;

    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("anchored-bundle");

    public AnchoredBundleFixture()
    {
        using var gatewayKey = Ed25519PrivateKey.Generate();
        using var otherGatewayKey = Ed25519PrivateKey.Generate();
        using var ledgerKey = Ed25519PrivateKey.Generate();
        using var otherLedgerKey = Ed25519PrivateKey.Generate();
        var w1 = new Cosigner("witness.example/w1", Ed25519PrivateKey.Generate());
        var w2 = new Cosigner("witness.example/w2", Ed25519PrivateKey.Generate());

        using var journal = MerkleLog.Open(_folder.Combine("journal"));
        var signer = CheckpointSigner.Open(GatewayOrigin, gatewayKey, _folder.Combine("checkpoint.note"));
        journal.AppendBatch([.. Enumerable.Range(0, 4).Select(Entry)]);
        Assert.True(signer.TrySignLatest(journal, out var first, out _));
        journal.AppendBatch([.. Enumerable.Range(4, 2).Select(Entry)]);
        Assert.True(signer.TrySignLatest(journal, out var second, out _));
        FirstGatewayCheckpoint = first;
        AnchoredGatewayCheckpoint = second;
        GatewayVerifierKey = signer.VerifierKey.ToString();

        using var ledger = MerkleLog.Open(_folder.Combine("ledger"));
        var foreign = SignedNote.Sign(new Checkpoint("mediot.example/ward3/gw9", 12, new byte[32]).FormatBody(), "mediot.example/ward3/gw9", otherGatewayKey);
        ledger.AppendBatch([LedgerReceipt.LeafFor(foreign), LedgerReceipt.LeafFor(first), LedgerReceipt.LeafFor(second)]);
        AnchoredLeafIndex = 2;
        var ledgerBody = new Checkpoint(LedgerOrigin, ledger.Size, ledger.GetRootHash(ledger.Size)).FormatBody();
        var signedLedger = SignedNote.Sign(ledgerBody, LedgerOrigin, ledgerKey);
        var proof = ledger.GetInclusionProof(AnchoredLeafIndex, ledger.Size);
        Receipt = new LedgerReceipt(AnchoredLeafIndex, proof, signedLedger + w1.Cosign(ledgerBody, 1_800_000_000) + w2.Cosign(ledgerBody, 1_800_000_001));
        OneCosignatureReceipt = new LedgerReceipt(AnchoredLeafIndex, proof, signedLedger + w1.Cosign(ledgerBody, 1_800_000_000));
        // The same ledger tree under another ledger's origin, signed by the ledger's key under its own name and cosigned:
        // only the origin is wrong.
        var foreignBody = new Checkpoint(ForeignLedgerOrigin, ledger.Size, ledger.GetRootHash(ledger.Size)).FormatBody();
        ForeignOriginReceipt = new LedgerReceipt(AnchoredLeafIndex, proof, SignedNote.Sign(foreignBody, LedgerOrigin, ledgerKey)
            + w1.Cosign(foreignBody, 1_800_000_000) + w2.Cosign(foreignBody, 1_800_000_001));
        var earlierBody = new Checkpoint(LedgerOrigin, 2, ledger.GetRootHash(2)).FormatBody();
        MovedCosignatureReceipt = new LedgerReceipt(AnchoredLeafIndex, proof, signedLedger + w1.Cosign(ledgerBody, 1_800_000_000) + w2.Cosign(earlierBody, 1_800_000_001));

        LedgerVerifierKey = NoteVerifierKey.Create(LedgerOrigin, ledgerKey.PublicKey).ToString();
        OtherLedgerVerifierKey = NoteVerifierKey.Create(LedgerOrigin, otherLedgerKey.PublicKey).ToString();
        Witness1Key = w1.VerifierKey.ToString();
        Witness2Key = w2.VerifierKey.ToString();
        WitnessKeyFile = _folder.Combine("witnesses.vkeys");
        File.WriteAllText(WitnessKeyFile, $"# the hospital's witnesses\n{Witness1Key}\n\n{Witness2Key}\n");
        LedgerKeyFile = _folder.Combine("ledger.vkey");
        File.WriteAllText(LedgerKeyFile, LedgerVerifierKey + "\n");

        UnanchoredBundle = ProofBundle.FromLog(journal, EntryIndex, second);
        EarlierCheckpointBundle = ProofBundle.FromLog(journal, EntryIndex, first);
    }

    /// <summary>The gateway's checkpoint at size 4 (also anchored, as leaf 1, but not the receipt's leaf).</summary>
    public string FirstGatewayCheckpoint { get; }

    /// <summary>The gateway's checkpoint at size 6: leaf 2 of the ledger, the one <see cref="Receipt"/> proves.</summary>
    public string AnchoredGatewayCheckpoint { get; }

    public long AnchoredLeafIndex { get; }

    public string GatewayVerifierKey { get; }

    public string LedgerVerifierKey { get; }

    public string OtherLedgerVerifierKey { get; }

    public string Witness1Key { get; }

    public string Witness2Key { get; }

    public string WitnessKeyFile { get; }

    public string LedgerKeyFile { get; }

    /// <summary>The receipt of <see cref="AnchoredGatewayCheckpoint"/>, cosigned by both witnesses.</summary>
    public LedgerReceipt Receipt { get; }

    public LedgerReceipt OneCosignatureReceipt { get; }

    /// <summary>
    /// A receipt of <see cref="AnchoredGatewayCheckpoint"/> whose ledger checkpoint is for <see cref="ForeignLedgerOrigin"/>
    /// but signed by the ledger's key under its name, <see cref="LedgerOrigin"/>, and cosigned by both witnesses.
    /// </summary>
    public LedgerReceipt ForeignOriginReceipt { get; }

    /// <summary>Witness 2's cosignature is over an earlier ledger checkpoint.</summary>
    public LedgerReceipt MovedCosignatureReceipt { get; }

    /// <summary>Entry <see cref="EntryIndex"/> proven against the anchored checkpoint, with no anchor line.</summary>
    public ProofBundle UnanchoredBundle { get; }

    /// <summary>Entry <see cref="EntryIndex"/> proven against the size-4 checkpoint.</summary>
    public ProofBundle EarlierCheckpointBundle { get; }

    /// <summary><paramref name="bundle"/> with <paramref name="receiptText"/> as its <c>anchor mediot-ledger</c> line.</summary>
    public static string WithAnchor(ProofBundle bundle, string receiptText) =>
        new ProofBundle(bundle.Index, bundle.Entry, bundle.InclusionProof, bundle.SignedCheckpoint,
            [new AnchorReceipt(LedgerReceipt.BundleAnchorKind, Encoding.UTF8.GetBytes(receiptText))]).Format();

    public string Write(string name, string text)
    {
        var path = _folder.Combine(name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    public void Dispose() => _folder.Dispose();

    private static ReadOnlyMemory<byte> Entry(int sequence) =>
        new LedgerEntry("serial-monitor-3", sequence, Encoding.ASCII.GetBytes($"02/22/16 22:47:{sequence:00} SN=0000056661 SPO2=098%"),
            EntryAttestation.GatewayAttested, 1_795_266_000_500_000_000 + sequence).Encode();
}
