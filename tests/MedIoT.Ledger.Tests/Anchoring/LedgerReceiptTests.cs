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
