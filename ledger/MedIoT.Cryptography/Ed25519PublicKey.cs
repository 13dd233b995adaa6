using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using NSec.Cryptography;

namespace MedIoT.Cryptography;

/// <summary>
/// An Ed25519 public key: the 32-byte encoding of RFC 8032 §5.1.5. Immutable; equal when the bytes are equal.
/// </summary>
public sealed class Ed25519PublicKey : IEquatable<Ed25519PublicKey>
{
    /// <summary>The length of an encoded Ed25519 public key in bytes (RFC 8032 §5.1.5).</summary>
    public const int Length = 32;

    /// <summary>The length of an Ed25519 signature in bytes (RFC 8032 §5.1.6).</summary>
    public const int SignatureLength = 64;

    private readonly byte[] _bytes;
    private readonly PublicKey _key;

    private Ed25519PublicKey(byte[] bytes, PublicKey key)
    {
        _bytes = bytes;
        _key = key;
    }

    /// <summary>The 32 encoded bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>
    /// Wraps <paramref name="bytes"/> as a public key; <see langword="false"/> unless it is exactly
    /// <see cref="Length"/> bytes. Whether the bytes encode a valid curve point is decided by
    /// <see cref="Verify"/>, which rejects such keys (libsodium checks the point and its order).
    /// </summary>
    public static bool TryCreate(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out Ed25519PublicKey? key)
    {
        key = null;
        if (bytes.Length != Length || !PublicKey.TryImport(SignatureAlgorithm.Ed25519, bytes, KeyBlobFormat.RawPublicKey, out var imported))
        {
            return false;
        }

        key = new Ed25519PublicKey(bytes.ToArray(), imported!);
        return true;
    }

    internal static Ed25519PublicKey FromNSec(PublicKey key) => new(key.Export(KeyBlobFormat.RawPublicKey), key);

    /// <summary>
    /// Verifies a pure Ed25519 signature (RFC 8032 §5.1.7) over <paramref name="message"/>.
    /// <see langword="false"/> for a signature that is not 64 bytes or does not verify.
    /// </summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureLength && SignatureAlgorithm.Ed25519.Verify(_key, message, signature);

    /// <inheritdoc/>
    public bool Equals(Ed25519PublicKey? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Ed25519PublicKey);

    /// <inheritdoc/>
    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(_bytes);

    /// <summary>The key as unpadded base64url (the OKP JWK "x" value, RFC 8037 §2).</summary>
    public override string ToString() => Base64Url.Encode(_bytes);

    /// <summary>Equality by bytes.</summary>
    public static bool operator ==(Ed25519PublicKey? left, Ed25519PublicKey? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Inequality by bytes.</summary>
    public static bool operator !=(Ed25519PublicKey? left, Ed25519PublicKey? right) => !(left == right);
}
