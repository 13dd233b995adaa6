using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Tests.Checkpoints;

/// <summary>C2SP tlog-cosignature (cosignature/v1, Ed25519): key ids, the signed message, verification and policy.</summary>
public sealed class CosignatureTests
{
    private const string Body = "mediot.example/ledger\n42\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    private static Ed25519PrivateKey Key(byte fill) => Ed25519PrivateKey.FromSeed(Enumerable.Repeat(fill, 32).ToArray());

    [Fact]
    public void A_cosignature_line_is_key_id_then_big_endian_time_then_a_signature_over_the_spec_message()
    {
        using var key = Key(7);
        var cosigner = new Cosigner("witness.example/w1", key);

        var line = cosigner.Cosign(Body, 1_679_315_147);

        // Rebuilt from the spec text alone, without the library's helpers.
        Assert.StartsWith("\u2014 witness.example/w1 ", line, StringComparison.Ordinal);
        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        var bytes = Convert.FromBase64String(line["\u2014 witness.example/w1 ".Length..^1]);
        Assert.Equal(4 + 8 + 64, bytes.Length);
        var idInput = Encoding.UTF8.GetBytes("witness.example/w1\n").Concat(new byte[] { 0x04 }).Concat(key.PublicKey.Bytes.ToArray()).ToArray();
        Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(idInput)), BinaryPrimitives.ReadUInt32BigEndian(bytes));
        Assert.Equal(1_679_315_147ul, BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(4)));
        var message = Encoding.UTF8.GetBytes("cosignature/v1\ntime 1679315147\n" + Body);
        Assert.True(key.PublicKey.Verify(message, bytes.AsSpan(12)));
    }

    [Fact]
    public void The_witness_key_id_differs_from_the_same_keys_note_key_id_so_neither_verifies_as_the_other()
    {
        using var key = Key(8);
        var witness = WitnessKey.Create("w", key.PublicKey);
        var noteKey = NoteVerifierKey.Create("w", key.PublicKey);
        Assert.NotEqual(noteKey.KeyId, witness.KeyId);

        var cosigned = SignedNote.Sign(Body, "w", key) + new Cosigner("w", key).Cosign(Body, 5);
        Assert.True(SignedNote.TryParse(cosigned, out var note));
        Assert.True(note.TryVerify([noteKey], out var verifiedBy, out _));
        Assert.Single(verifiedBy);
        Assert.True(Cosignatures.TryVerify(note, [witness], out var cosignedBy));
        Assert.Single(cosignedBy);
    }

    [Fact]
    public void Witness_vkeys_round_trip_and_a_note_key_is_not_taken_for_a_witness_key()
    {
        using var key = Key(9);
        var witness = WitnessKey.Create("witness.example/w2", key.PublicKey);
        var text = witness.ToString();
        Assert.Matches("^witness\\.example/w2\\+[0-9a-f]{8}\\+", text);
        Assert.Equal(0x04, Convert.FromBase64String(text.Split('+', 3)[2])[0]);
        Assert.True(WitnessKey.TryParse(text, out var parsed, out var error), error);
        Assert.Equal(witness.KeyId, parsed.KeyId);
        Assert.Equal(text, parsed.ToString());

        Assert.False(WitnessKey.TryParse(NoteVerifierKey.Create("witness.example/w2", key.PublicKey).ToString(), out _, out error));
        Assert.Contains("0x04", error, StringComparison.Ordinal);
        Assert.False(NoteVerifierKey.TryParse(text, out _, out error));
        Assert.Contains("0x01", error, StringComparison.Ordinal);
        Assert.False(WitnessKey.TryParse(text.Replace("+", "+0", StringComparison.Ordinal), out _, out _));
        Assert.False(WitnessKey.TryParse(null, out _, out _));
    }

    [Theory]
    [InlineData("body")]
    [InlineData("time")]
    [InlineData("signature")]
    [InlineData("length")]
    public void A_changed_cosignature_or_body_does_not_verify(string change)
    {
        using var key = Key(10);
        var cosigner = new Cosigner("w1", key);
        var bytes = Convert.FromBase64String(cosigner.Cosign(Body, 100)["\u2014 w1 ".Length..^1]).AsSpan(4).ToArray();
        var body = Body;
        switch (change)
        {
            case "body": body = Body.Replace("42", "43", StringComparison.Ordinal); break;
            case "time": bytes[7] ^= 1; break;
            case "signature": bytes[40] ^= 0x80; break;
            case "length": bytes = bytes[..^1]; break;
        }

        Assert.False(cosigner.VerifierKey.TryVerify(body, bytes, out _));
    }

    [Fact]
    public void A_timestamp_above_two_to_the_63_is_rejected()
    {
        using var key = Key(11);
        var witness = WitnessKey.Create("w1", key.PublicKey);
        var signature = new byte[WitnessKey.SignatureLength];
        BinaryPrimitives.WriteUInt64BigEndian(signature, 1ul << 63);
        var message = Encoding.UTF8.GetBytes("cosignature/v1\ntime 9223372036854775808\n" + Body);
        key.Sign(message).CopyTo(signature.AsSpan(8));
        Assert.False(witness.TryVerify(Body, signature, out _));
    }

    [Fact]
    public void The_policy_counts_distinct_trusted_witnesses_ignores_strangers_and_fails_on_a_bad_trusted_cosignature()
    {
        using var log = Key(1);
        using var w1 = Key(2);
        using var w2 = Key(3);
        using var stranger = Key(4);
        var c1 = new Cosigner("w1", w1);
        var c2 = new Cosigner("w2", w2);
        var trusted = new[] { c1.VerifierKey, c2.VerifierKey };
        var signed = SignedNote.Sign(Body, "log", log);

        SignedNote Note(string text)
        {
            Assert.True(SignedNote.TryParse(text, out var note));
            return note;
        }

        Assert.False(Cosignatures.MeetPolicy(Note(signed), trusted, 1));
        Assert.True(Cosignatures.MeetPolicy(Note(signed), trusted, 0));
        var one = signed + c1.Cosign(Body, 1) + c1.Cosign(Body, 2) + new Cosigner("w3", stranger).Cosign(Body, 1);
        Assert.True(Cosignatures.TryVerify(Note(one), trusted, out var by));
        Assert.Equal(["w1"], by.Select(k => k.Name));
        Assert.True(Cosignatures.MeetPolicy(Note(one), trusted, 1));
        Assert.False(Cosignatures.MeetPolicy(Note(one), trusted, 2));
        Assert.True(Cosignatures.MeetPolicy(Note(one + c2.Cosign(Body, 3)), trusted, 2));

        // w2's line, but signed by the stranger's key over the same body.
        var forged = new Cosigner("w2", stranger).Cosign(Body, 3);
        var keyIdOfW2 = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(keyIdOfW2, c2.VerifierKey.KeyId);
        var forgedBytes = Convert.FromBase64String(forged["\u2014 w2 ".Length..^1]);
        keyIdOfW2.CopyTo(forgedBytes, 0);
        var withForgery = one + "\u2014 w2 " + Convert.ToBase64String(forgedBytes) + "\n";
        Assert.False(Cosignatures.TryVerify(Note(withForgery), trusted, out by));
        Assert.Empty(by);
    }
}
