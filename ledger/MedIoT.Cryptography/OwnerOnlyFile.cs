using System.Security.Cryptography;

namespace MedIoT.Cryptography;

/// <summary>
/// The file handling shared by <see cref="PrivateKeyFile"/> and <see cref="SecretFile"/>: a new file created with mode 0600
/// from the start and never overwritten, and a read that checks the mode on the open handle (so the file checked is the
/// file read) and refuses one that group or others may read or write. Messages name the path and the fix, never content.
/// </summary>
internal static class OwnerOnlyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOthersReadWrite =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <summary>Writes <paramref name="content"/> to a new file of mode 0600, flushed to disk.</summary>
    /// <param name="path">The file; it must not exist.</param>
    /// <param name="content">What to write.</param>
    /// <param name="what">What the file is, for messages ("key file", "password file").</param>
    /// <exception cref="IOException">The file already exists (it is never overwritten) or cannot be written.</exception>
    /// <exception cref="PlatformNotSupportedException">On Windows, where Unix file modes do not exist.</exception>
    public static void Write(string path, ReadOnlySpan<byte> content, string what)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException($"A {what} needs Unix file modes (0600); Windows is not supported.");
        }

        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            UnixCreateMode = OwnerReadWrite,
        };

        FileStream stream;
        try
        {
            stream = new FileStream(path, options);
        }
        catch (IOException exception) when (File.Exists(path))
        {
            throw new IOException(
                $"Refusing to overwrite the existing {what} '{path}'. Move or delete it first if it really is to be replaced.",
                exception);
        }

        using (stream)
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Reads a whole file that only its owner may read or write (mode 0600 or 0400).</summary>
    /// <param name="path">The file.</param>
    /// <param name="maximumBytes">The longest file accepted.</param>
    /// <param name="what">What the file is, for messages ("key file", "password file").</param>
    /// <param name="invalid">What the file must be, for the message when it is too long ("a private OKP Ed25519 JWK").</param>
    /// <exception cref="InvalidOperationException">The file is readable or writable by group or others.</exception>
    /// <exception cref="InvalidDataException">The file is longer than <paramref name="maximumBytes"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="PlatformNotSupportedException">On Windows, where Unix file modes do not exist.</exception>
    public static byte[] Read(string path, int maximumBytes, string what, string invalid)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException($"A {what} needs Unix file modes (0600); Windows is not supported.");
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var mode = File.GetUnixFileMode(handle);
        if ((mode & GroupOrOthersReadWrite) != 0)
        {
            throw new InvalidOperationException(
                $"The {what} '{path}' has mode {Convert.ToString((int)mode, 8).PadLeft(4, '0')}, so group or others may read " +
                $"or write it. Restrict it to its owner with 'chmod 600 {path}' (and consider its secret exposed).");
        }

        var length = RandomAccess.GetLength(handle);
        if (length > maximumBytes)
        {
            throw new InvalidDataException($"The {what} '{path}' is not {invalid}: it is longer than {maximumBytes} bytes.");
        }

        var content = new byte[length];
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

        if (read == content.Length)
        {
            return content;
        }

        // The file shrank while it was read: return what was read and leave no copy of it behind.
        var shorter = content[..read];
        CryptographicOperations.ZeroMemory(content);
        return shorter;
    }
}
