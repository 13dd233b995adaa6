using System.Globalization;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Bundles;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Storage;
using MedIoT.Ledger.Tests.Entries;
using MedIoT.Testing;

namespace MedIoT.Ledger.Tests.Bundles;

/// <summary>
/// The worked examples of docs/ledger-entry-format.md are what these tests build: the two entry dumps from the encoders'
/// own bytes, and a whole anchored proof bundle (gateway journal, gateway checkpoint, ledger, witness cosignature,
/// receipt) from test-only keys, which then verifies as the document says.
/// </summary>
public sealed class LedgerDocumentExampleTests
{
    private const string Document = "docs/ledger-entry-format.md";
    private const string Command = "dotnet test tests/MedIoT.Ledger.Tests --filter LedgerDocumentExampleTests";
    private const string GatewayOrigin = "mediot.example/ward7/gw1";
    private const string LedgerOrigin = "mediot.example/ledger";
    private const string WitnessName = "witness.example/w1";
    private const long CosignedAt = 1_795_266_060;

    [Fact]
    public void The_ledger_entry_example_is_the_encoders_bytes()
    {
        var bytes = LedgerEntryTests.Example().Encode();
        var dump = Dump(bytes,
            (1, "format version 1"),
            (1, "device-signed"),
            (8, "receive time 1795266000123456789 ns"),
            (8, "sequence 42"),
            (1, "device id length 17"),
            (17, "\"ward7a-bed01-spo2\""),
            (4, "frame length 24"),
            (24, "\"aGVhZGVy.cGF5bG9hZA.c2ln\""));

        var problem = DocumentExamples.Check(Document, "ledger-entry", dump, Command);

        Assert.True(problem is null, problem);
    }

    [Fact]
    public void The_alarm_event_example_is_the_encoders_bytes()
    {
        var bytes = AlarmEventEntryTests.Example().Encode();
        var dump = Dump(bytes,
            (1, "format version 2: gateway event"),
            (1, "record kind: alarm event"),
            (8, "event time 1795266000123456789 ns"),
            (1, "acknowledged"),
            (8, "alarm id 7"),
            (1, "high"),
            (1, "physiological"),
            (1, "escalation level 0"),
            (1, "NEWS2 score 7"),
            (6, "condition key \"news2\""),
            (7, "ward \"ward7a\""),
            (6, "bed \"bed01\""),
            (1, "no device"),
            (12, "acknowledged by \"nurse.jones\""));

        var problem = DocumentExamples.Check(Document, "alarm-event", dump, Command);

        Assert.True(problem is null, problem);
    }

    [Fact]
    public void The_anchored_bundle_example_is_what_this_test_builds_and_it_verifies()
    {
        using var folder = TemporaryDirectory.Create("ledger-document-example");
        using var gatewayKey = Ed25519PrivateKey.FromSeed("mediot-ledger-example-gateway-01"u8);
        using var ledgerKey = Ed25519PrivateKey.FromSeed("mediot-ledger-example-ledger-001"u8);
        using var witnessKey = Ed25519PrivateKey.FromSeed("mediot-ledger-example-witness-01"u8);
        var witness = new Cosigner(WitnessName, witnessKey);

        // The gateway's journal: sequences 40 to 43 of the entry example's device, checkpoints signed at sizes 2 and 4.
        using var journal = MerkleLog.Open(folder.Combine("journal"));
        var signer = CheckpointSigner.Open(GatewayOrigin, gatewayKey, folder.Combine("checkpoint.note"));
        journal.AppendBatch([Entry(40), Entry(41)]);
        Assert.True(signer.TrySignLatest(journal, out var first, out _));
        journal.AppendBatch([Entry(42), Entry(43)]);
        Assert.True(signer.TrySignLatest(journal, out var anchored, out _));

        // The ledger anchored both, verbatim; its checkpoint is signed by the ledger and cosigned by one witness.
        using var ledger = MerkleLog.Open(folder.Combine("ledger"));
        ledger.AppendBatch([LedgerReceipt.LeafFor(first), LedgerReceipt.LeafFor(anchored)]);
        var ledgerBody = new Checkpoint(LedgerOrigin, 2, ledger.GetRootHash(2)).FormatBody();
        var ledgerCheckpoint = SignedNote.Sign(ledgerBody, LedgerOrigin, ledgerKey) + witness.Cosign(ledgerBody, CosignedAt);
        var receipt = new LedgerReceipt(1, ledger.GetInclusionProof(1, 2), ledgerCheckpoint).Format();
        var proven = ProofBundle.FromLog(journal, 2, anchored);
        var bundle = new ProofBundle(2, proven.Entry, proven.InclusionProof, anchored,
            [new AnchorReceipt(LedgerReceipt.BundleAnchorKind, Encoding.UTF8.GetBytes(receipt))]).Format();
        var ledgerVerifierKey = NoteVerifierKey.Create(LedgerOrigin, ledgerKey.PublicKey);
        var keys = $"{signer.VerifierKey}\n{ledgerVerifierKey}\n{witness.VerifierKey}\n";

        var problems = new[] { ("verifier-keys", keys), ("receipt", receipt), ("bundle", bundle) }
            .Select(example => DocumentExamples.Check(Document, example.Item1, example.Item2, Command)).OfType<string>().ToList();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(ProofBundle.TryParse(bundle, out var parsed, out var error), error);
        Assert.False(ProofBundle.TryParse(bundle.Replace("\n", "\r\n", StringComparison.Ordinal), out _, out _)); // LF only
        Assert.Equal(LedgerEntryTests.Example().Encode(), parsed.Entry.ToArray());
        var verification = ProofBundleVerifier.Verify(parsed, [signer.VerifierKey], new AnchorPolicy([ledgerVerifierKey], [witness.VerifierKey], 1, LedgerOrigin));
        Assert.True(verification.Succeeded, verification.Message);

        // The gateway's note carries the gateway's signature only; the witness cosigned the ledger's checkpoint in the receipt.
        Assert.True(SignedNote.TryParse(parsed.SignedCheckpoint, out var gatewayNote));
        Assert.Equal(GatewayOrigin, Assert.Single(gatewayNote.Signatures).Name);
        Assert.True(LedgerReceipt.TryParse(Encoding.UTF8.GetString(parsed.Anchors[0].Receipt.Span), out var parsedReceipt));
        Assert.True(SignedNote.TryParse(parsedReceipt.LedgerCheckpoint, out var ledgerNote));
        Assert.Equal($"{LedgerOrigin} {WitnessName}", string.Join(' ', ledgerNote.Signatures.Select(s => s.Name)));

        // A cosignature line added to the gateway's note is ignored in the log, but the note is no longer the ledger's leaf.
        var gatewayBody = gatewayNote.Text;
        var cosignedNote = anchored + witness.Cosign(gatewayBody, CosignedAt);
        var changed = new ProofBundle(2, parsed.Entry, parsed.InclusionProof, cosignedNote, parsed.Anchors);
        Assert.True(ProofBundleVerifier.Verify(changed, [signer.VerifierKey]).Succeeded);
        var anchorCheck = ProofBundleVerifier.Verify(changed, [signer.VerifierKey], new AnchorPolicy([ledgerVerifierKey], [witness.VerifierKey], 1, LedgerOrigin));
        Assert.Equal(BundleFailure.AnchorNotIncluded, anchorCheck.Failure);
    }

    // Sequence 42 is the ledger entry example itself; the others differ only in sequence and receive time (a second apart).
    private static ReadOnlyMemory<byte> Entry(int sequence) =>
        new LedgerEntry("ward7a-bed01-spo2", sequence, "aGVhZGVy.cGF5bG9hZA.c2ln"u8, EntryAttestation.DeviceSigned,
            1_795_266_000_123_456_789 + ((sequence - 42) * 1_000_000_000L)).Encode();

    // An annotated hex dump: each field's bytes, 12 to a line, its label on its first line; then the length and leaf hash.
    private static string Dump(byte[] bytes, params (int Length, string Label)[] fields)
    {
        var text = new StringBuilder();
        var offset = 0;
        foreach (var (length, label) in fields)
        {
            for (var start = offset; start < offset + length; start += 12)
            {
                var line = string.Join(' ', bytes[start..Math.Min(start + 12, offset + length)].Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
                text.Append(start == offset ? line.PadRight(37) + label : line).Append('\n');
            }

            offset += length;
        }

        Assert.Equal(bytes.Length, offset);
        return text.Append('\n').Append(CultureInfo.InvariantCulture, $"{bytes.Length} bytes; leaf hash SHA-256(0x00 || entry) =\n")
            .Append(Convert.ToHexStringLower(MerkleHash.HashLeaf(bytes))).Append('\n').ToString();
    }
}
