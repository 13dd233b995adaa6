using System.Security.Cryptography;
using NSec.Cryptography;

namespace MedIoT.Cryptography;

/// <summary>
/// An Ed25519 private key (RFC 8032 §5.1.5). The key lives in NSec's guarded memory (libsodium's
/// <c>sodium_malloc</c>: its own pages, locked, with guard pages, zeroed when freed), never in a managed array.
/// Signing is deterministic, so the same key and message always give the same signature. Signing from several
/// threads at once is safe; disposing while another thread signs is not.
/// </summary>
public sealed class Ed25519PrivateKey : IDisposable
{
    /// <summary>The length of a seed (the private key proper, RFC 8032 §5.1.5) in bytes.</summary>
    public const int SeedLength = 32;

    /// <summary>The length of a signature in bytes (RFC 8032 §5.1.6).</summary>
    public const int SignatureLength = 64;

    private readonly Key _key;

    private Ed25519PrivateKey(Key key)
    {
        _key = key;
        PublicKey = Ed25519PublicKey.FromNSec(key.PublicKey);
    }

    /// <summary>The matching public key.</summary>
    public Ed25519PublicKey PublicKey { get; }

    /// <summary>Generates a key from the operating system's cryptographic random generator (through libsodium).</summary>
    public static Ed25519PrivateKey Generate() => new(Key.Create(SignatureAlgorithm.Ed25519, Exportable()));

    /// <summary>Derives the key pair from a 32-byte seed (RFC 8032 §5.1.5). The caller keeps and clears its copy.</summary>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 32 bytes.</exception>
    public static Ed25519PrivateKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException($"An Ed25519 seed is exactly {SeedLength} bytes; got {seed.Length}.", nameof(seed));
        }

        return new(Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, Exportable()));
    }

    /// <summary>Signs <paramref name="message"/> with pure Ed25519 (RFC 8032 §5.1.6) into a 64-byte span.</summary>
    /// <exception cref="ArgumentException"><paramref name="signature"/> is not 64 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            throw new ArgumentException($"An Ed25519 signature is exactly {SignatureLength} bytes; the destination has {signature.Length}.", nameof(signature));
        }

        SignatureAlgorithm.Ed25519.Sign(_key, message, signature);
    }

    /// <summary>Signs <paramref name="message"/> and returns the 64-byte signature.</summary>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[SignatureLength];
        Sign(message, signature);
        return signature;
    }

    /// <summary>Copies the 32-byte seed to <paramref name="destination"/>. The caller clears it after use.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not 32 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public void ExportSeed(Span<byte> destination)
    {
        if (destination.Length != SeedLength)
        {
            throw new ArgumentException($"An Ed25519 seed is exactly {SeedLength} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        if (!_key.TryExport(KeyBlobFormat.RawPrivateKey, destination, out var written) || written != SeedLength)
        {
            CryptographicOperations.ZeroMemory(destination);
            throw new InvalidOperationException("NSec did not export the 32-byte Ed25519 seed.");
        }
    }

    // Plain-text export is allowed because key files (JWK "d", RFC 8037 §2) hold the seed; nothing else exports it.
    private static KeyCreationParameters Exportable() => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };

    /// <summary>Frees the guarded memory (libsodium zeroes it); later use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _key.Dispose();
}
