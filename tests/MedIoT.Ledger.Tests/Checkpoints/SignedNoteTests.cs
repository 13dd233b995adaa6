using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Tests.Checkpoints;

/// <summary>Known answers from golang.org/x/mod/sumdb/note note_test.go (the C2SP signed-note reference implementation).</summary>
public sealed class SignedNoteTests
{
    internal const string PeterVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    internal const string EnochVerifierKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";

    // The private key "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz": 0x01 || seed.
    internal const string PeterSeedBase64 = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

    internal const string Text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    internal const string PeterSignature = "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    internal const string EnochSignature = "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    internal static Ed25519PrivateKey PeterKey() => Ed25519PrivateKey.FromSeed(Convert.FromBase64String(PeterSeedBase64).AsSpan(1));

    private static NoteVerifierKey Parse(string text)
    {
        Assert.True(NoteVerifierKey.TryParse(text, out var key, out var error), error);
        return key;
    }

    [Fact]
    public void Verifier_keys_parse_with_their_known_key_ids_and_format_back_identically()
    {
        var peter = Parse(PeterVerifierKey);
        Assert.Equal("PeterNeumann", peter.Name);
        Assert.Equal(0xc74f20a3u, peter.KeyId);
        Assert.Equal(PeterVerifierKey, peter.ToString());
        Assert.Equal(0xaf0cfe78u, Parse(EnochVerifierKey).KeyId);
    }

    [Fact]
    public void The_known_private_key_derives_the_known_public_key_and_key_id()
    {
        using var key = PeterKey();
        Assert.Equal(Parse(PeterVerifierKey).PublicKey, key.PublicKey);
        Assert.Equal(0xc74f20a3u, NoteVerifierKey.ComputeKeyId("PeterNeumann", key.PublicKey));
    }

    [Fact]
    public void Signing_the_known_text_gives_the_known_note_byte_for_byte()
    {
        using var key = PeterKey();
        Assert.Equal(Text + "\n" + PeterSignature, SignedNote.Sign(Text, "PeterNeumann", key));
    }

    [Fact]
    public void Every_truncation_and_byte_change_of_a_verifier_key_is_rejected()
    {
        var bytes = PeterVerifierKey.ToCharArray();
        for (var i = 0; i <= bytes.Length; i++)
        {
            for (var j = i + 1; j <= bytes.Length; j++)
            {
                if (i != 0 || j != bytes.Length)
                {
                    Assert.False(NoteVerifierKey.TryParse(PeterVerifierKey[i..j], out _, out _), PeterVerifierKey[i..j]);
                }
            }
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i]++;
            Assert.False(NoteVerifierKey.TryParse(new string(bytes), out _, out _));
            bytes[i]--;
        }

        // Wrong key length and unknown algorithm, each with an adjusted key id.
        Assert.False(NoteVerifierKey.TryParse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==", out _, out _));
        Assert.False(NoteVerifierKey.TryParse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", out _, out _));
    }

    [Fact]
    public void Unknown_keys_are_ignored_and_one_known_key_suffices()
    {
        Assert.True(SignedNote.TryParse(Text + "\n" + PeterSignature + EnochSignature, out var note));
        Assert.Equal(Text, note.Text);
        Assert.Equal(2, note.Signatures.Count);
        Assert.True(note.TryVerify([Parse(PeterVerifierKey)], out var by, out var failure));
        Assert.Equal("PeterNeumann", Assert.Single(by).Name);
        Assert.True(note.TryVerify([Parse(PeterVerifierKey), Parse(EnochVerifierKey)], out by, out failure));
        Assert.Equal(2, by.Count);
        Assert.Equal(NoteFailure.None, failure);
    }

    [Fact]
    public void A_note_without_a_known_key_is_rejected()
    {
        Assert.True(SignedNote.TryParse(Text + "\n" + EnochSignature, out var note));
        Assert.False(note.TryVerify([Parse(PeterVerifierKey)], out _, out var failure));
        Assert.Equal(NoteFailure.NoKnownSignature, failure);
        Assert.False(note.TryVerify([], out _, out failure));
        Assert.Equal(NoteFailure.NoKnownSignature, failure);
    }

    [Fact]
    public void A_known_key_with_a_bad_signature_rejects_the_note_even_if_another_verifies()
    {
        var broken = PeterSignature[..60] + "ABCD" + PeterSignature[60..];
        Assert.True(SignedNote.TryParse(Text + "\n" + broken, out var note));
        Assert.False(note.TryVerify([Parse(PeterVerifierKey)], out _, out var failure));
        Assert.Equal(NoteFailure.InvalidSignature, failure);

        Assert.True(SignedNote.TryParse(Text + "\n" + EnochSignature + broken, out note));
        Assert.False(note.TryVerify([Parse(PeterVerifierKey), Parse(EnochVerifierKey)], out _, out failure));
        Assert.Equal(NoteFailure.InvalidSignature, failure);
    }

    [Fact]
    public void A_name_match_with_the_wrong_key_id_is_an_unknown_key()
    {
        var otherId = PeterSignature.Replace("x08g", "xxxx", StringComparison.Ordinal);
        Assert.True(SignedNote.TryParse(Text + "\n" + otherId, out var note));
        Assert.False(note.TryVerify([Parse(PeterVerifierKey)], out _, out var failure));
        Assert.Equal(NoteFailure.NoKnownSignature, failure);
    }

    [Theory]
    [InlineData(Text)]
    [InlineData(Text + "\n")]
    [InlineData(Text + "\n" + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=")]
    [InlineData("\u0001" + Text + "\n" + PeterSignature)]
    [InlineData(Text + "\n" + "\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")]
    [InlineData(Text + "\n" + PeterSignature + "Unexpected line.\n")]
    [InlineData(Text + "\n" + "- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")]
    [InlineData(Text + "\n" + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n")]
    [InlineData(Text + "\n" + "\u2014 PeterNeumann  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n")]
    [InlineData("\n\n" + PeterSignature)]
    [InlineData("")]
    public void Malformed_notes_are_rejected(string message)
    {
        Assert.False(SignedNote.TryParse(message, out _));
    }

    [Fact]
    public void More_than_100_signatures_is_malformed()
    {
        Assert.False(SignedNote.TryParse(Text + "\n" + string.Concat(Enumerable.Repeat(PeterSignature, 101)), out _));
        Assert.True(SignedNote.TryParse(Text + "\n" + string.Concat(Enumerable.Repeat(PeterSignature, 100)), out _));
    }

    [Fact]
    public void Invalid_utf8_is_malformed()
    {
        byte[] bytes = [0xff, .. System.Text.Encoding.UTF8.GetBytes(Text + "\n" + PeterSignature)];
        Assert.False(SignedNote.TryParse(bytes, out _));
    }
}
