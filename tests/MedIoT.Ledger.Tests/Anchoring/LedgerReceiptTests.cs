using MedIoT.Cryptography;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;

namespace MedIoT.Ledger.Tests.Anchoring;

/// <summary>A ledger receipt proves a gateway checkpoint is a leaf of the ledger's log under a signed, cosigned checkpoint.</summary>
public sealed class LedgerReceiptTests : IDisposable
{
    private const string LedgerOrigin = "mediot.example/ledger";
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("ledger-receipt");
    private readonly Ed25519PrivateKey _gatewayKey = Ed25519PrivateKey.FromSeed(Enumerable.Repeat((byte)1, 32).ToArray());
    private readonly Ed25519PrivateKey _ledgerKey = Ed25519PrivateKey.FromSeed(Enumerable.Repeat((byte)2, 32).ToArray());
    private readonly Cosigner _w1 = new("witness.example/w1", Ed25519PrivateKey.FromSeed(Enumerable.Repeat((byte)3, 32).ToArray()));
    private readonly Cosigner _w2 = new("witness.example/w2", Ed25519PrivateKey.FromSeed(Enumerable.Repeat((byte)4, 32).ToArray()));
    private readonly List<string> _anchored = [];
    private readonly MerkleLog _ledger;

    public LedgerReceiptTests()
    {
        _ledger = MerkleLog.Open(_folder.Path);
        for (var size = 1; size <= 5; size++)
        {
            var body = new Checkpoint("mediot.example/ward7/gw1", size * 10, new byte[32]).FormatBody();
            _anchored.Add(SignedNote.Sign(body, "mediot.example/ward7/gw1", _gatewayKey));
        }

        _ledger.AppendBatch([.. _anchored.Select(n => (ReadOnlyMemory<byte>)LedgerReceipt.LeafFor(n))]);
    }

    private IReadOnlyCollection<NoteVerifierKey> LedgerKeys => [NoteVerifierKey.Create(LedgerOrigin, _ledgerKey.PublicKey)];

    private IReadOnlyCollection<WitnessKey> Witnesses => [_w1.VerifierKey, _w2.VerifierKey];

    private string LedgerCheckpoint(params Cosigner[] cosigners)
    {
        var body = new Checkpoint(LedgerOrigin, _ledger.Size, _ledger.GetRootHash(_ledger.Size)).FormatBody();
        return SignedNote.Sign(body, LedgerOrigin, _ledgerKey) + string.Concat(cosigners.Select(c => c.Cosign(body, 1_800_000_000)));
    }

    private LedgerReceipt Receipt(int index, string ledgerCheckpoint) =>
        new(index, _ledger.GetInclusionProof(index, _ledger.Size), ledgerCheckpoint);

    [Fact]
    public void A_receipt_verifies_every_anchored_checkpoint_and_round_trips_as_text()
    {
        var ledgerCheckpoint = LedgerCheckpoint(_w1, _w2);
        for (var index = 0; index < _anchored.Count; index++)
        {
            var text = Receipt(index, ledgerCheckpoint).Format();
            Assert.StartsWith("mediot-ledger-receipt v1\nindex " + index + "\nproof ", text, StringComparison.Ordinal);
            Assert.True(LedgerReceipt.TryParse(text, out var parsed));
            Assert.Equal(text, parsed.Format());
            Assert.Equal(ReceiptFailure.None, parsed.Verify(_anchored[index], LedgerKeys, LedgerOrigin, Witnesses, 2));
        }
    }

    [Fact]
    public void Each_broken_link_of_the_chain_is_named()
    {
        var good = LedgerCheckpoint(_w1, _w2);
        var receipt = Receipt(3, good);
        Assert.Equal(ReceiptFailure.NotIncluded, receipt.Verify(_anchored[2], LedgerKeys, LedgerOrigin, Witnesses, 2));
        Assert.Equal(ReceiptFailure.NotIncluded, receipt.Verify(_anchored[3].Replace("40", "41", StringComparison.Ordinal), LedgerKeys, LedgerOrigin, Witnesses, 2));
        Assert.Equal(ReceiptFailure.NotIncluded, new LedgerReceipt(7, receipt.InclusionProof, good).Verify(_anchored[3], LedgerKeys, LedgerOrigin, Witnesses, 2));
        Assert.Equal(ReceiptFailure.WrongLedgerOrigin, receipt.Verify(_anchored[3], LedgerKeys, "mediot.example/other", Witnesses, 2));
        Assert.Equal(ReceiptFailure.UnknownLedgerKey, receipt.Verify(_anchored[3], [NoteVerifierKey.Create(LedgerOrigin, _gatewayKey.PublicKey)], LedgerOrigin, Witnesses, 2));
        Assert.Equal(ReceiptFailure.TooFewCosignatures, Receipt(3, LedgerCheckpoint(_w1)).Verify(_anchored[3], LedgerKeys, LedgerOrigin, Witnesses, 2));
        Assert.Equal(ReceiptFailure.None, Receipt(3, LedgerCheckpoint(_w1)).Verify(_anchored[3], LedgerKeys, LedgerOrigin, Witnesses, 1));

        // The ledger's signature over a changed body, and a witness line moved to a different ledger checkpoint.
        var tamperedSize = good.Replace("\n5\n", "\n6\n", StringComparison.Ordinal);
        Assert.Equal(ReceiptFailure.InvalidLedgerSignature, Receipt(3, tamperedSize).Verify(_anchored[3], LedgerKeys, LedgerOrigin, Witnesses, 2));
        var otherBody = new Checkpoint(LedgerOrigin, 4, _ledger.GetRootHash(4)).FormatBody();
        var movedCosignature = LedgerCheckpoint(_w1) + _w2.Cosign(otherBody, 1);
        Assert.Equal(ReceiptFailure.InvalidCosignature, Receipt(3, movedCosignature).Verify(_anchored[3], LedgerKeys, LedgerOrigin, Witnesses, 1));
    }

    [Theory]
    [InlineData("mediot-ledger-receipt v2\nindex 1\n\n")]
    [InlineData("mediot-ledger-receipt v1\nindex 01\n\n")]
    [InlineData("mediot-ledger-receipt v1\nindex -1\n\n")]
    [InlineData("mediot-ledger-receipt v1\nproof AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nindex 1\n\n")]
    [InlineData("mediot-ledger-receipt v1\nindex 1\nproof AAAA\n\n")]
    [InlineData("mediot-ledger-receipt v1\nindex 1\nextra line\n\n")]
    [InlineData("mediot-ledger-receipt v1\nindex 1\n")]
    public void Malformed_receipts_do_not_parse(string head)
    {
        var text = head.EndsWith("\n\n", StringComparison.Ordinal) ? head + LedgerCheckpoint() : head;
        Assert.False(LedgerReceipt.TryParse(text, out _));
    }

    [Fact]
    public void Zero_proof_lines_are_a_receipt_for_a_ledger_of_one_leaf()
    {
        using var folder = TemporaryDirectory.Create("ledger-receipt-one");
        using var ledger = MerkleLog.Open(folder.Path);
        ledger.AppendBatch([LedgerReceipt.LeafFor(_anchored[0])]);
        var body = new Checkpoint(LedgerOrigin, 1, ledger.GetRootHash(1)).FormatBody();
        var text = new LedgerReceipt(0, ledger.GetInclusionProof(0, 1), SignedNote.Sign(body, LedgerOrigin, _ledgerKey) + _w1.Cosign(body, 1_800_000_000)).Format();

        Assert.StartsWith("mediot-ledger-receipt v1\nindex 0\n\n" + LedgerOrigin + "\n1\n", text, StringComparison.Ordinal);
        Assert.True(LedgerReceipt.TryParse(text, out var parsed));
        Assert.Empty(parsed.InclusionProof);
        Assert.Equal(ReceiptFailure.None, parsed.Verify(_anchored[0], LedgerKeys, LedgerOrigin, Witnesses, 1));

        // In a larger ledger zero proof lines still parse, but cannot lead to the root: the proof's length is fixed by (index, size).
        var none = new LedgerReceipt(0, [], LedgerCheckpoint(_w1)).Format();
        Assert.True(LedgerReceipt.TryParse(none, out var short1));
        Assert.Equal(ReceiptFailure.NotIncluded, short1.Verify(_anchored[0], LedgerKeys, LedgerOrigin, Witnesses, 1));
    }

    [Theory]
    [InlineData("CRLF line endings")]
    [InlineData("CRLF after the header only")]
    [InlineData("a line end after the note")]
    [InlineData("no line end at the end")]
    [InlineData("two blank lines")]
    [InlineData("a space after a proof hash")]
    [InlineData("base64url")]
    [InlineData("base64 without padding")]
    [InlineData("base64 with unused bits set")]
    [InlineData("a 31-byte hash")]
    [InlineData("a 33-byte hash")]
    [InlineData("an index of 2^63")]
    [InlineData("an index with a plus sign")]
    [InlineData("an upper-case keyword")]
    [InlineData("two spaces after the keyword")]
    public void The_text_grammar_is_exact(string variant)
    {
        // A well-formed receipt: leaf 3 of 5, so three proof lines.
        var good = Receipt(3, LedgerCheckpoint(_w1, _w2)).Format();
        Assert.True(LedgerReceipt.TryParse(good, out _));
        var bad = variant switch
        {
            "CRLF line endings" => good.Replace("\n", "\r\n", StringComparison.Ordinal),
            "CRLF after the header only" => good.Replace("v1\n", "v1\r\n", StringComparison.Ordinal),
            "a line end after the note" => good + "\n",
            "no line end at the end" => good[..^1],
            "two blank lines" => good.Replace("\n\n", "\n\n\n", StringComparison.Ordinal),
            "a space after a proof hash" => ReplaceFirstProof(good, hash => hash + " "),
            "base64url" => ReplaceFirstProof(good, _ => "_-" + new string('A', 41) + "="),
            "base64 without padding" => ReplaceFirstProof(good, hash => hash.TrimEnd('=')),
            "base64 with unused bits set" => ReplaceFirstProof(good, _ => new string('A', 42) + "B="),
            "a 31-byte hash" => ReplaceFirstProof(good, _ => Convert.ToBase64String(new byte[31])),
            "a 33-byte hash" => ReplaceFirstProof(good, _ => Convert.ToBase64String(new byte[33])),
            "an index of 2^63" => good.Replace("index 3\n", "index 9223372036854775808\n", StringComparison.Ordinal),
            "an index with a plus sign" => good.Replace("index 3\n", "index +3\n", StringComparison.Ordinal),
            "an upper-case keyword" => good.Replace("\nproof ", "\nProof ", StringComparison.Ordinal),
            "two spaces after the keyword" => good.Replace("\nproof ", "\nproof  ", StringComparison.Ordinal),
            _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "no such variant"),
        };

        Assert.NotEqual(good, bad);
        Assert.False(LedgerReceipt.TryParse(bad, out _), variant);
    }

    [Fact]
    public void A_receipt_carries_at_most_63_proof_lines()
    {
        var head = "mediot-ledger-receipt v1\nindex 0\n";
        var line = "proof " + Convert.ToBase64String(new byte[32]) + "\n";

        Assert.True(LedgerReceipt.TryParse(head + string.Concat(Enumerable.Repeat(line, 63)) + "\n" + LedgerCheckpoint(), out var longest));
        Assert.Equal(63, longest.InclusionProof.Count);
        Assert.False(LedgerReceipt.TryParse(head + string.Concat(Enumerable.Repeat(line, 64)) + "\n" + LedgerCheckpoint(), out _));
    }

    private static string ReplaceFirstProof(string text, Func<string, string> change)
    {
        var start = text.IndexOf("\nproof ", StringComparison.Ordinal) + "\nproof ".Length;
        var end = text.IndexOf('\n', start);
        return text[..start] + change(text[start..end]) + text[end..];
    }

    [Fact]
    public void A_receipt_with_an_unparsable_ledger_checkpoint_does_not_parse()
    {
        Assert.False(LedgerReceipt.TryParse("mediot-ledger-receipt v1\nindex 1\n\nnot a note\n", out _));
        Assert.False(LedgerReceipt.TryParse(null, out _));
    }

    public void Dispose()
    {
        _ledger.Dispose();
        _gatewayKey.Dispose();
        _ledgerKey.Dispose();
        _folder.Dispose();
    }
}
