using System.Security.Cryptography;
using System.Text;

namespace MedIoT.Cryptography;

/// <summary>
/// A private Ed25519 key on disk (a device's, the gateway's, the ledger's or a witness's): one private OKP JWK (RFC 8037 §2) in a file only its owner may read or write
/// (Unix mode 0600). Exception messages name the path and the fix, never key material.
/// </summary>
public static class PrivateKeyFile
{
    private const string What = "key file";

    private const int MaxFileBytes = 4096;

    /// <summary>
    /// Writes <paramref name="key"/> as a private JWK to a new file created with mode 0600 from the start, so the
    /// secret is never readable by others, not even briefly.
    /// </summary>
    /// <exception cref="IOException">The file already exists (it is never overwritten) or cannot be written.</exception>
    /// <exception cref="PlatformNotSupportedException">On Windows, where Unix file modes do not exist.</exception>
    public static void Write(string path, Ed25519PrivateKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(key);
        var content = Encoding.UTF8.GetBytes(OkpJsonWebKey.FormatPrivate(key) + "\n");
        try
        {
            OwnerOnlyFile.Write(path, content, What);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    /// <summary>Reads a private key written by <see cref="Write"/> (or by hand, with mode 0600 or 0400).</summary>
    /// <exception cref="InvalidOperationException">The file is readable or writable by group or others.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid private OKP Ed25519 JWK.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="PlatformNotSupportedException">On Windows, where Unix file modes do not exist.</exception>
    public static Ed25519PrivateKey Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var content = OwnerOnlyFile.Read(path, MaxFileBytes, What, "a private OKP Ed25519 JWK");
        try
        {
            // A trailing newline is JSON whitespace (RFC 8259 §2), so the reader accepts it as it is.
            if (!OkpJsonWebKey.TryParsePrivate(content, out var key, out var error))
            {
                key?.Dispose();
                throw new InvalidDataException($"The key file '{path}' is not a private OKP Ed25519 JWK: {error}.");
            }

            return key!;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }
}
