using System.Runtime.InteropServices;
using System.Text;

namespace MedIoT.Ledger.Storage;

/// <summary>
/// Crash-safe file operations that .NET does not offer directly: flushing a folder (so that a created or renamed
/// file's name is durable, POSIX fsync(2) on the directory) and replacing a file atomically
/// (write a temporary file, flush it, rename it over the target, flush the folder).
/// </summary>
public static partial class DurableFolder
{
    private static readonly int s_readOnlyDirectoryFlags = ReadOnlyDirectoryFlags(RuntimeInformation.ProcessArchitecture);

    /// <summary>Replaces <paramref name="path"/> with <paramref name="contents"/> so a crash leaves the old or the new file, never a mix.</summary>
    public static void ReplaceFile(string path, ReadOnlySpan<byte> contents)
    {
        var temporary = path + ".tmp";
        using (var handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.None, 0))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(handle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            RandomAccess.Write(handle, contents, 0);
            RandomAccess.FlushToDisk(handle);
        }

        File.Move(temporary, path, overwrite: true);
        Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Flushes the folder's entries (names) to disk; a no-op on Windows, where NTFS journals metadata.</summary>
    /// <exception cref="IOException">The folder cannot be opened or flushed.</exception>
    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = Open(Encoding.UTF8.GetBytes(folder + "\0"), s_readOnlyDirectoryFlags);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open the folder '{folder}' to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"Flushing the folder '{folder}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>
    /// O_RDONLY (0) | O_DIRECTORY on <paramref name="architecture"/>. The value differs per architecture: 0200000 (0x10000)
    /// in the generic Linux uapi/asm-generic/fcntl.h that x86-64 uses, 040000 (0x4000) in arch/arm64 and arch/arm
    /// uapi/asm/fcntl.h, where 0x10000 is O_DIRECT, which a directory refuses with EINVAL (docs/arm64.md).
    /// </summary>
    internal static int ReadOnlyDirectoryFlags(Architecture architecture) => architecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte[] path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
