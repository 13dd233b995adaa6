using System.Diagnostics.CodeAnalysis;

namespace MedIoT.Sensors.Internal;

/// <summary>Small files that only their owner may read or write (0600), replaced atomically.</summary>
internal static class OwnerOnlyFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes <paramref name="contents"/> to a temporary file beside <paramref name="path"/> created 0600,
    /// flushes it to disk and renames it over <paramref name="path"/>, so a reader sees the old file or the new one,
    /// never half of one (rename(2) is atomic within a file system).</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> contents)
    {
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' has no folder to write into.", nameof(path));
        var temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerReadWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Reads <paramref name="path"/>, at most <paramref name="maximumBytes"/> long; with
    /// <paramref name="ownerOnly"/> only if no one but its owner can read or write it. Otherwise returns
    /// <see langword="false"/> and says why.</summary>
    public static bool TryRead(string path, long maximumBytes, bool ownerOnly, [NotNullWhen(true)] out byte[]? contents, [NotNullWhen(false)] out string? error)
    {
        contents = null;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                error = $"'{path}' does not exist.";
                return false;
            }

            if (ownerOnly && !OperatingSystem.IsWindows()
                && (info.UnixFileMode & ~(OwnerReadWrite | UnixFileMode.UserExecute)) != UnixFileMode.None)
            {
                error = $"'{path}' has mode {Octal(info.UnixFileMode)}; it must be readable and writable by its owner only (chmod 600 '{path}').";
                return false;
            }

            if (info.Length > maximumBytes)
            {
                error = $"'{path}' is {info.Length} bytes; at most {maximumBytes} are expected.";
                return false;
            }

            contents = File.ReadAllBytes(path);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"'{path}' could not be read: {e.Message}";
            return false;
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
