using System.Security.Cryptography;
using System.Text;

namespace MedIoT.Cryptography;

/// <summary>
/// A private Ed25519 key on disk (a device's, the gateway's, the ledger's or a witness's): one private OKP JWK (RFC 8037 §2) in a file only its owner may read or write
/// (Unix mode 0600). Exception messages name the path and the fix, never key material.
/// </summary>
public static class PrivateKeyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOthersReadWrite =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

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
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Key files need Unix file modes (0600); Windows is not supported.");
        }

        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = OwnerReadWrite,
        };

        var content = Encoding.UTF8.GetBytes(OkpJsonWebKey.FormatPrivate(key) + "\n");
        try
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, options);
            }
            catch (IOException exception) when (File.Exists(path))
            {
                throw new IOException(
                    $"Refusing to overwrite the existing key file '{path}'. Move or delete it first if it really is to be replaced.",
                    exception);
            }

            using (stream)
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
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
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Key files need Unix file modes (0600); Windows is not supported.");
        }

        // Check the mode on the open handle, so the file checked is the file read.
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var mode = File.GetUnixFileMode(handle);
        if ((mode & GroupOrOthersReadWrite) != 0)
        {
            throw new InvalidOperationException(
                $"The key file '{path}' has mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}, so group or others may read " +
                $"or write it. Restrict it to its owner with 'chmod 600 {path}' (and consider the key exposed).");
        }

        var length = RandomAccess.GetLength(handle);
        if (length > MaxFileBytes)
        {
            throw new InvalidDataException($"The key file '{path}' is not a private OKP Ed25519 JWK: it is longer than {MaxFileBytes} bytes.");
        }

        var content = new byte[length];
        try
        {
            var read = 0;
            while (read < content.Length)
            {
                var count = RandomAccess.Read(handle, content.AsSpan(read), read);
                if (count == 0)
                {
                    break;
                }

                read += count;
            }

            // A trailing newline is JSON whitespace (RFC 8259 §2), so the reader accepts it as it is.
            if (!OkpJsonWebKey.TryParsePrivate(content.AsSpan(0, read), out var key, out var error))
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
