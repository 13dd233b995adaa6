using System.Security.Cryptography;

namespace MedIoT.Protocol.Cryptography;

/// <summary>
/// An Ed25519 private key (RFC 8032 §5.1.5): the 32-byte seed, kept with the public key in libsodium's
/// 64-byte layout in one array that <see cref="Dispose"/> zeroes. Signing is deterministic, so the same key
/// and message always give the same signature. Signing from several threads at once is safe; disposing
/// while another thread signs is not.
/// </summary>
public sealed class Ed25519PrivateKey : IDisposable
{
    /// <summary>The length of a seed (the private key proper, RFC 8032 §5.1.5) in bytes.</summary>
    public const int SeedLength = 32;

    /// <summary>The length of a signature in bytes (RFC 8032 §5.1.6).</summary>
    public const int SignatureLength = 64;

    // libsodium's secret key: seed (32 bytes) followed by the public key (32 bytes).
    private readonly byte[] _secretKey;
    private bool _disposed;

    private Ed25519PrivateKey(byte[] secretKey, Ed25519PublicKey publicKey)
    {
        _secretKey = secretKey;
        PublicKey = publicKey;
    }

    /// <summary>The matching public key.</summary>
    public Ed25519PublicKey PublicKey { get; }

    /// <summary>Generates a key from 32 bytes of the operating system's cryptographic random generator.</summary>
    /// <exception cref="InvalidOperationException">libsodium is not installed.</exception>
    public static Ed25519PrivateKey Generate()
    {
        Span<byte> seed = stackalloc byte[SeedLength];
        try
        {
            RandomNumberGenerator.Fill(seed);
            return FromSeed(seed);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Derives the key pair from a 32-byte seed (RFC 8032 §5.1.5). The caller keeps and clears its copy.</summary>
    /// <exception cref="ArgumentException"><paramref name="seed"/> is not 32 bytes.</exception>
    /// <exception cref="InvalidOperationException">libsodium is not installed.</exception>
    public static Ed25519PrivateKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException($"An Ed25519 seed is exactly {SeedLength} bytes; got {seed.Length}.", nameof(seed));
        }

        var secretKey = new byte[Sodium.SecretKeyBytes];
        Span<byte> publicKeyBytes = stackalloc byte[Sodium.PublicKeyBytes];
        try
        {
            Sodium.SeedKeypair(seed, publicKeyBytes, secretKey);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(secretKey);
            throw;
        }

        Ed25519PublicKey.TryCreate(publicKeyBytes, out var publicKey);
        return new Ed25519PrivateKey(secretKey, publicKey!);
    }

    /// <summary>Signs <paramref name="message"/> with pure Ed25519 (RFC 8032 §5.1.6) into a 64-byte span.</summary>
    /// <exception cref="ArgumentException"><paramref name="signature"/> is not 64 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public void Sign(ReadOnlySpan<byte> message, Span<byte> signature)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (signature.Length != SignatureLength)
        {
            throw new ArgumentException($"An Ed25519 signature is exactly {SignatureLength} bytes; the destination has {signature.Length}.", nameof(signature));
        }

        Sodium.SignDetached(message, _secretKey, signature);
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length != SeedLength)
        {
            throw new ArgumentException($"An Ed25519 seed is exactly {SeedLength} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        _secretKey.AsSpan(0, SeedLength).CopyTo(destination);
    }

    /// <summary>Zeroes the secret bytes; later use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_secretKey);
        }
    }
}
