using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using MedIoT.Cryptography;

namespace MedIoT.Ledger.Checkpoints;

/// <summary>
/// A witness's public key for Ed25519 cosignatures (C2SP tlog-cosignature, cosignature/v1). Its vkey text is
/// <c>&lt;name&gt;+&lt;key id, 8 hex digits&gt;+&lt;base64(0x04 || public key)&gt;</c> and its key id is the first four
/// bytes of SHA-256(name || 0x0A || 0x04 || public key): the type byte 0x04 keeps a cosignature from ever being taken
/// for the log's own signature (type 0x01) and the other way round. Immutable.
/// </summary>
public sealed class WitnessKey
{
    /// <summary>The signature type byte of Ed25519 cosignature/v1.</summary>
    public const byte CosignatureV1Type = 0x04;

    /// <summary>The length of a cosignature after its key id: an 8-byte big-endian timestamp and a 64-byte Ed25519 signature.</summary>
    public const int SignatureLength = 8 + 64;

    private WitnessKey(string name, uint keyId, Ed25519PublicKey publicKey)
    {
        Name = name;
        KeyId = keyId;
        PublicKey = publicKey;
    }

    /// <summary>The witness's name (a schema-less URL by convention, for example <c>witness.example.org/w1</c>).</summary>
    public string Name { get; }

    /// <summary>The 32-bit key id.</summary>
    public uint KeyId { get; }

    /// <summary>The Ed25519 public key.</summary>
    public Ed25519PublicKey PublicKey { get; }

    /// <summary>Creates the key for <paramref name="publicKey"/> under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid key name.</exception>
    public static WitnessKey Create(string name, Ed25519PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (!NoteVerifierKey.IsValidKeyName(name))
        {
            throw new ArgumentException("A key name is non-empty UTF-8 without spaces, '+' or control characters.", nameof(name));
        }

        return new WitnessKey(name, NoteVerifierKey.ComputeKeyId(name, CosignatureV1Type, publicKey), publicKey);
    }

    /// <summary>Parses vkey text of type 0x04 strictly. Never throws.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out WitnessKey? key, out string? error)
    {
        key = null;
        if (!NoteVerifierKey.TryParseText(text, CosignatureV1Type, out var name, out var keyId, out var publicKey, out error))
        {
            return false;
        }

        key = new WitnessKey(name, keyId, publicKey);
        return true;
    }

    /// <summary>
    /// The message a cosignature signs (tlog-cosignature, "Ed25519 signed message"): <c>cosignature/v1\n</c>,
    /// <c>time &lt;timestamp&gt;\n</c>, then the whole checkpoint note text (extension lines included, signatures not).
    /// </summary>
    public static byte[] SignedMessage(string checkpointText, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(checkpointText);
        ArgumentOutOfRangeException.ThrowIfNegative(timestamp);
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"cosignature/v1\ntime {timestamp}\n{checkpointText}"));
    }

    /// <summary>
    /// Verifies one cosignature (the bytes after the key id) over <paramref name="checkpointText"/> and returns its
    /// timestamp (POSIX seconds). A timestamp above 2^63 − 1 is rejected (tlog-cosignature, "Format").
    /// </summary>
    public bool TryVerify(string checkpointText, ReadOnlySpan<byte> signature, out long timestamp)
    {
        ArgumentNullException.ThrowIfNull(checkpointText);
        timestamp = 0;
        if (signature.Length != SignatureLength)
        {
            return false;
        }

        var time = BinaryPrimitives.ReadUInt64BigEndian(signature);
        if (time > long.MaxValue || !PublicKey.Verify(SignedMessage(checkpointText, (long)time), signature[8..]))
        {
            return false;
        }

        timestamp = (long)time;
        return true;
    }

    /// <summary>The vkey text.</summary>
    public override string ToString() => NoteVerifierKey.FormatText(Name, KeyId, CosignatureV1Type, PublicKey);
}
