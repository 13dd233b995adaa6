using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using MedIoT.Cryptography;

namespace MedIoT.Ledger.Checkpoints;

/// <summary>
/// A C2SP signed note: text (one or more lines, each ending in a newline), a blank line, then one or more signature
/// lines <c>— &lt;key name&gt; &lt;base64(4-byte key id || signature)&gt;</c>, each ending in a newline, where "—" is
/// U+2014 EM DASH. Parsing is strict and never throws; verification ignores signatures by unknown keys, rejects
/// the note if a known key's signature fails, and requires at least one known key's signature.
/// </summary>
public sealed class SignedNote
{
    /// <summary>The most signatures a note may carry (as golang.org/x/mod/sumdb/note).</summary>
    public const int MaxSignatures = 100;

    /// <summary>The largest note accepted, in bytes.</summary>
    public const int MaxNoteBytes = 65536;

    /// <summary>The start of every signature line: U+2014 EM DASH and a space.</summary>
    public const string SignatureLinePrefix = "\u2014 ";

    private SignedNote(string text, IReadOnlyList<NoteSignature> signatures)
    {
        Text = text;
        Signatures = signatures;
    }

    /// <summary>The signed text, ending in a newline.</summary>
    public string Text { get; }

    /// <summary>The signatures in the order of the note, known and unknown.</summary>
    public IReadOnlyList<NoteSignature> Signatures { get; }

    /// <summary>Signs <paramref name="text"/> with one Ed25519 key and returns the whole note.</summary>
    /// <exception cref="ArgumentException"><paramref name="text"/> is not valid note text, or the name is not a valid key name.</exception>
    public static string Sign(string text, string keyName, Ed25519PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(key);
        if (!IsValidText(text))
        {
            throw new ArgumentException("Note text is non-empty UTF-8 lines each ending in a newline, with no blank line at the end and no control characters.", nameof(text));
        }

        var verifier = NoteVerifierKey.Create(keyName, key.PublicKey);
        return text + "\n" + FormatSignatureLine(verifier, key.Sign(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Adds a signature line to an existing note text (for example a witness cosignature, added later).</summary>
    public static string FormatSignatureLine(NoteVerifierKey key, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bytes = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, key.KeyId);
        signature.CopyTo(bytes.AsSpan(4));
        return $"{SignatureLinePrefix}{key.Name} {Convert.ToBase64String(bytes)}\n";
    }

    /// <summary>Parses a signed note without verifying it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out SignedNote? note)
    {
        note = null;
        if (utf8.Length > MaxNoteBytes || !System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return false;
        }

        return TryParse(Encoding.UTF8.GetString(utf8), out note);
    }

    /// <summary>Parses a signed note without verifying it.</summary>
    public static bool TryParse(string? message, [NotNullWhen(true)] out SignedNote? note)
    {
        note = null;
        if (message is null || Encoding.UTF8.GetByteCount(message) > MaxNoteBytes || !message.EndsWith('\n'))
        {
            return false;
        }

        // The signatures follow the last blank line (golang.org/x/mod/sumdb/note splits at the last "\n\n").
        var split = message.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        var text = message[..(split + 1)];
        if (!IsValidText(text))
        {
            return false;
        }

        var signatureBlock = message[(split + 2)..];
        if (signatureBlock.Length == 0)
        {
            return false;
        }

        var lines = signatureBlock[..^1].Split('\n');
        if (lines.Length > MaxSignatures)
        {
            return false;
        }

        var signatures = new List<NoteSignature>(lines.Length);
        foreach (var line in lines)
        {
            if (!TryParseSignatureLine(line, out var signature))
            {
                return false;
            }

            signatures.Add(signature);
        }

        note = new SignedNote(text, signatures);
        return true;
    }

    /// <summary>
    /// Verifies the note against <paramref name="knownKeys"/>: signatures whose (name, key id) matches no known key are
    /// ignored; every signature by a known key must verify; at least one must. <paramref name="verifiedBy"/> lists the
    /// known keys that signed.
    /// </summary>
    public bool TryVerify(IReadOnlyCollection<NoteVerifierKey> knownKeys, out IReadOnlyList<NoteVerifierKey> verifiedBy, out NoteFailure failure)
    {
        ArgumentNullException.ThrowIfNull(knownKeys);
        var message = Encoding.UTF8.GetBytes(Text);
        var verified = new List<NoteVerifierKey>();
        verifiedBy = verified;
        foreach (var signature in Signatures)
        {
            var key = knownKeys.FirstOrDefault(k => k.KeyId == signature.KeyId && string.Equals(k.Name, signature.Name, StringComparison.Ordinal));
            if (key is null)
            {
                continue;
            }

            if (!key.Verify(message, signature.Signature.Span))
            {
                verified.Clear();
                failure = NoteFailure.InvalidSignature;
                return false;
            }

            if (!verified.Contains(key))
            {
                verified.Add(key);
            }
        }

        failure = verified.Count > 0 ? NoteFailure.None : NoteFailure.NoKnownSignature;
        return verified.Count > 0;
    }

    /// <summary>Formats the note (text, blank line, signature lines) as it was parsed.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(Text).Append('\n');
        foreach (var signature in Signatures)
        {
            var bytes = new byte[4 + signature.Signature.Length];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, signature.KeyId);
            signature.Signature.Span.CopyTo(bytes.AsSpan(4));
            builder.Append(SignatureLinePrefix).Append(signature.Name).Append(' ').Append(Convert.ToBase64String(bytes)).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Note text: non-empty, ends in a newline, no empty last line, no control characters but newline, valid Unicode.</summary>
    internal static bool IsValidText(string text)
    {
        if (text.Length == 0 || !text.EndsWith('\n') || text.EndsWith("\n\n", StringComparison.Ordinal) || text[0] == '\n')
        {
            return false;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (rune == Rune.ReplacementChar || (Rune.IsControl(rune) && rune.Value != '\n'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseSignatureLine(string line, [NotNullWhen(true)] out NoteSignature? signature)
    {
        signature = null;
        if (!line.StartsWith(SignatureLinePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = line[SignatureLinePrefix.Length..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            return false;
        }

        var name = rest[..space];
        if (!NoteVerifierKey.IsValidKeyName(name) || !StrictBase64.TryDecode(rest[(space + 1)..], out var bytes) || bytes.Length < 5)
        {
            return false;
        }

        signature = new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(bytes), bytes.AsMemory(4));
        return true;
    }
}
