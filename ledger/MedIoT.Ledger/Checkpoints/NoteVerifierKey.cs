using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MedIoT.Cryptography;

namespace MedIoT.Ledger.Checkpoints;

/// <summary>
/// A C2SP signed-note verifier key for Ed25519: the text <c>&lt;name&gt;+&lt;key id, 8 hex digits&gt;+&lt;base64(0x01 || public key)&gt;</c>
/// (the format of golang.org/x/mod/sumdb/note). The key id is the first four bytes, big-endian, of
/// SHA-256(name || 0x0A || 0x01 || public key) (C2SP signed-note, "Signature types"). Immutable.
/// </summary>
public sealed class NoteVerifierKey
{
    /// <summary>The signature type byte of Ed25519 in C2SP signed-note.</summary>
    public const byte Ed25519Type = 0x01;

    private NoteVerifierKey(string name, uint keyId, Ed25519PublicKey publicKey)
    {
        Name = name;
        KeyId = keyId;
        PublicKey = publicKey;
    }

    /// <summary>The key name (for a log, its origin).</summary>
    public string Name { get; }

    /// <summary>The 32-bit key id.</summary>
    public uint KeyId { get; }

    /// <summary>The Ed25519 public key.</summary>
    public Ed25519PublicKey PublicKey { get; }

    /// <summary>Creates the verifier key for <paramref name="publicKey"/> under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid key name.</exception>
    public static NoteVerifierKey Create(string name, Ed25519PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (!IsValidKeyName(name))
        {
            throw new ArgumentException("A key name is non-empty UTF-8 without spaces, '+' or control characters.", nameof(name));
        }

        return new NoteVerifierKey(name, ComputeKeyId(name, publicKey), publicKey);
    }

    /// <summary>The key id of an Ed25519 key: SHA-256(name || "\n" || 0x01 || key)[0:4], big-endian.</summary>
    public static uint ComputeKeyId(string name, Ed25519PublicKey publicKey) => ComputeKeyId(name, Ed25519Type, publicKey);

    /// <summary>A key id for signature type <paramref name="type"/>: SHA-256(name || "\n" || type || key)[0:4], big-endian.</summary>
    internal static uint ComputeKeyId(string name, byte type, Ed25519PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(publicKey);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + Ed25519PublicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = (byte)'\n';
        input[nameBytes.Length + 1] = type;
        publicKey.Bytes.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    /// <summary>
    /// Parses verifier key text strictly: exactly three '+'-separated parts, 8 lowercase hex digits that equal the
    /// computed key id, canonical base64 of exactly 33 bytes starting with 0x01. Never throws.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out NoteVerifierKey? key, out string? error)
    {
        key = null;
        if (!TryParseText(text, Ed25519Type, out var name, out var keyId, out var publicKey, out error))
        {
            return false;
        }

        key = new NoteVerifierKey(name, keyId, publicKey);
        return true;
    }

    /// <summary>
    /// Parses vkey text <c>&lt;name&gt;+&lt;8 hex&gt;+&lt;base64(type || 32-byte key)&gt;</c> of signature type
    /// <paramref name="type"/> strictly (C2SP signed-note, "Verifier keys"). Never throws.
    /// </summary>
    internal static bool TryParseText(string? text, byte type, [NotNullWhen(true)] out string? name, out uint keyId,
        [NotNullWhen(true)] out Ed25519PublicKey? publicKey, [NotNullWhen(false)] out string? error)
    {
        name = null;
        keyId = 0;
        publicKey = null;
        if (text is null)
        {
            error = "no key text";
            return false;
        }

        var parts = text.Split('+');
        // A name cannot contain '+', and base64 can: so rejoin everything after the second '+'.
        if (parts.Length < 3)
        {
            error = "a verifier key is <name>+<8 hex digits>+<base64 key>";
            return false;
        }

        var hex = parts[1];
        var encoded = string.Join('+', parts[2..]);
        if (!IsValidKeyName(parts[0]))
        {
            error = "the key name is empty or has a space, '+' or control character";
            return false;
        }

        if (hex.Length != 8 || !hex.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')
            || !uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out keyId))
        {
            error = "the key id is not 8 lowercase hex digits";
            return false;
        }

        if (!StrictBase64.TryDecode(encoded, out var keyBytes) || keyBytes.Length != 1 + Ed25519PublicKey.Length)
        {
            error = "the key is not canonical base64 of 33 bytes";
            return false;
        }

        if (keyBytes[0] != type)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"the key type is not 0x{type:x2}");
            return false;
        }

        Ed25519PublicKey.TryCreate(keyBytes.AsSpan(1), out var key);
        if (ComputeKeyId(parts[0], type, key!) != keyId)
        {
            error = "the key id does not match the name and key";
            return false;
        }

        name = parts[0];
        publicKey = key!;
        error = null;
        return true;
    }

    /// <summary>True for a non-empty name of Unicode text without spaces, '+' or control characters (C2SP signed-note).</summary>
    public static bool IsValidKeyName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        foreach (var rune in name.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune) || rune.Value == '+' || rune == Rune.ReplacementChar)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Verifies an Ed25519 signature over <paramref name="message"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => PublicKey.Verify(message, signature);

    /// <summary>The verifier key text.</summary>
    public override string ToString() => FormatText(Name, KeyId, Ed25519Type, PublicKey);

    /// <summary>Formats vkey text for a key of signature type <paramref name="type"/>.</summary>
    internal static string FormatText(string name, uint keyId, byte type, Ed25519PublicKey publicKey)
    {
        var keyBytes = new byte[1 + Ed25519PublicKey.Length];
        keyBytes[0] = type;
        publicKey.Bytes.CopyTo(keyBytes.AsSpan(1));
        return string.Create(CultureInfo.InvariantCulture, $"{name}+{keyId:x8}+{Convert.ToBase64String(keyBytes)}");
    }
}
