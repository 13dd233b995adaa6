using System.Security.Cryptography;
using System.Text;

namespace MedIoT.Cryptography;

/// <summary>
/// A shared secret on disk, such as a device's or a service's broker password: one line of UTF-8 text (a final line end
/// is allowed and is not part of the secret) in a file only its owner may read or write (Unix mode 0600, or 0400).
/// Exception messages name the path and the fix, never the secret.
/// </summary>
public static class SecretFile
{
    /// <summary>The longest secret file accepted, in bytes (an MQTT password is at most 65535 bytes; ours are 43).</summary>
    public const int MaximumBytes = 4096;

    private const string What = "secret file";

    /// <summary>Writes <paramref name="secret"/> and a line end to a new file created with mode 0600 from the start.</summary>
    /// <exception cref="ArgumentException">The secret is empty or holds a line break or another control character.</exception>
    /// <exception cref="IOException">The file already exists (it is never overwritten) or cannot be written.</exception>
    /// <exception cref="PlatformNotSupportedException">On Windows, where Unix file modes do not exist.</exception>
    public static void Write(string path, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (secret.Any(char.IsControl))
        {
            throw new ArgumentException("A secret is one line of text without control characters.", nameof(secret));
        }

        var content = Encoding.UTF8.GetBytes(secret + "\n");
        try
        {
            OwnerOnlyFile.Write(path, content, What);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }

    /// <summary>
    /// What keeps <paramref name="path"/> from being read as a secret file (missing, open to group or others, empty, not one
    /// line), as a sentence naming the path and the fix; <see langword="null"/> when <see cref="Read"/> would succeed. For
    /// settings checked at start.
    /// </summary>
    public static string? Problem(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            _ = Read(path);
            return null;
        }
        catch (FileNotFoundException)
        {
            return $"The {What} '{Path.GetFullPath(path)}' does not exist. Create it with the secret on one line and mode 0600.";
        }
        catch (DirectoryNotFoundException)
        {
            return $"The folder of the {What} '{Path.GetFullPath(path)}' does not exist. Create it (mode 0700) and the file (mode 0600).";
        }
        catch (UnauthorizedAccessException)
        {
            return $"The {What} '{Path.GetFullPath(path)}' cannot be read by this user. Make it belong to the user the service runs as (mode 0600).";
        }
        catch (Exception exception) when (exception is InvalidOperationException or InvalidDataException or IOException)
        {
            return exception.Message;
        }
    }

    /// <summary>Reads a secret written by <see cref="Write"/> (or by hand: one line, mode 0600 or 0400).</summary>
    /// <exception cref="InvalidOperationException">The file is readable or writable by group or others.</exception>
    /// <exception cref="InvalidDataException">The file is empty, longer than <see cref="MaximumBytes"/>, not UTF-8, or more than one line.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="PlatformNotSupportedException">On Windows, where Unix file modes do not exist.</exception>
    public static string Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        const string Expected = "one line holding a secret";
        var content = OwnerOnlyFile.Read(path, MaximumBytes, What, Expected);
        try
        {
            var line = content.AsSpan();
            line = line.EndsWith("\r\n"u8) ? line[..^2] : line.EndsWith("\n"u8) ? line[..^1] : line;
            if (line.IsEmpty)
            {
                throw new InvalidDataException($"The {What} '{path}' is empty; write the secret into it (one line).");
            }

            string secret;
            try
            {
                secret = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(line);
            }
            catch (DecoderFallbackException)
            {
                throw new InvalidDataException($"The {What} '{path}' is not {Expected}: it is not UTF-8 text.");
            }

            if (secret.Any(char.IsControl))
            {
                throw new InvalidDataException($"The {What} '{path}' is not {Expected}: it holds a line break or another control character.");
            }

            return secret;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(content);
        }
    }
}
