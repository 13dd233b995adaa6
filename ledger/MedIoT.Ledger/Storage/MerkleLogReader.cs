using System.Runtime.InteropServices;
using System.Text;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using Microsoft.Win32.SafeHandles;

namespace MedIoT.Ledger.Storage;

/// <summary>
/// A read-only view of a log that another process may be appending to (an auditor beside the running gateway). It takes
/// no lock and never writes: it reads the durable size from the commit file once, at open (the valid slot with the
/// highest generation, ledger/README.md), and serves entries, roots and proofs up to that size, whose bytes never change.
/// A torn tail beyond it is ignored, not repaired. Thread-safe for concurrent readers.
/// </summary>
public sealed partial class MerkleLogReader : IDisposable, IMerkleNodeSource
{
    private readonly SafeFileHandle _tree;
    private readonly SafeFileHandle _entries;
    private readonly SafeFileHandle _index;

    private MerkleLogReader(string folder, long size, SafeFileHandle tree, SafeFileHandle entries, SafeFileHandle index)
    {
        Folder = folder;
        Size = size;
        _tree = tree;
        _entries = entries;
        _index = index;
    }

    /// <summary>The log's folder.</summary>
    public string Folder { get; }

    /// <summary>The durable size when the reader was opened.</summary>
    public long Size { get; }

    /// <summary>Opens the log in <paramref name="folder"/> for reading.</summary>
    /// <exception cref="FileNotFoundException">The folder holds no log.</exception>
    /// <exception cref="InvalidDataException">The commit file has no valid record, or a file is shorter than the durable size needs.</exception>
    public static MerkleLogReader Open(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        folder = Path.GetFullPath(folder);
        var commitPath = Path.Combine(folder, MerkleLog.CommitFileName);
        if (!File.Exists(commitPath))
        {
            throw new FileNotFoundException($"There is no log in '{folder}'.", commitPath);
        }

        var slots = new byte[CommitRecord.FileLength];
        int read;
        using (var commit = OpenWithoutLock(commitPath))
        {
            read = RandomAccess.Read(commit, slots, 0);
        }

        CommitRecord? best = null;
        for (var slot = 0; slot < 2; slot++)
        {
            var start = slot * CommitRecord.SlotStride;
            if (read >= start + CommitRecord.Length
                && CommitRecord.TryRead(slots.AsSpan(start, CommitRecord.Length), out var record)
                && (best is null || record.Generation > best.Value.Generation))
            {
                best = record;
            }
        }

        if (best is null)
        {
            throw new InvalidDataException($"The log in '{folder}' has no valid commit record.");
        }

        SafeFileHandle? tree = null, entries = null, index = null;
        try
        {
            tree = OpenRead(folder, MerkleLog.TreeFileName, MerkleLog.NodeCount(best.Value.Size) * MerkleHash.Length);
            entries = OpenRead(folder, MerkleLog.EntriesFileName, best.Value.EntryBytes);
            index = OpenRead(folder, MerkleLog.IndexFileName, best.Value.Size * sizeof(long));
            return new MerkleLogReader(folder, best.Value.Size, tree, entries, index);
        }
        catch
        {
            tree?.Dispose();
            entries?.Dispose();
            index?.Dispose();
            throw;
        }
    }

    /// <summary>MTH(D[0:size]) (RFC 9162 §2.1.1) for any size up to <see cref="Size"/>.</summary>
    public byte[] GetRootHash(long size)
    {
        RequireSize(size);
        return MerkleProofBuilder.RootHash(this, size);
    }

    /// <summary>The inclusion proof PATH(index, D[0:size]) (RFC 9162 §2.1.3.1).</summary>
    public byte[][] GetInclusionProof(long index, long size)
    {
        RequireSize(size);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        return MerkleProofBuilder.InclusionProof(this, index, size);
    }

    /// <summary>The consistency proof PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1).</summary>
    public byte[][] GetConsistencyProof(long first, long second)
    {
        RequireSize(second);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, second);
        return MerkleProofBuilder.ConsistencyProof(this, first, second);
    }

    /// <summary>The bytes of entry <paramref name="index"/>.</summary>
    public byte[] ReadEntry(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        return LogFiles.ReadEntry(_index, _entries, index, Folder);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _tree.Dispose();
        _entries.Dispose();
        _index.Dispose();
    }

    void IMerkleNodeSource.ReadNode(int level, long index, Span<byte> destination) =>
        LogFiles.ReadExactly(_tree, destination[..MerkleHash.Length], MerkleLog.NodePosition(level, index) * MerkleHash.Length, Folder);

    /// <summary>
    /// Opens a file for reading with open(2) itself: .NET would take a shared flock(2), which the writer's exclusive lock
    /// on the commit file refuses; a reader needs no lock, because the durable bytes it reads never change.
    /// </summary>
    private static SafeFileHandle OpenWithoutLock(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }

        var descriptor = OpenReadOnly(Encoding.UTF8.GetBytes(path + "\0"), 0 /* O_RDONLY */);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open '{path}' for reading (errno {Marshal.GetLastPInvokeError()}).");
        }

        return new SafeFileHandle(descriptor, ownsHandle: true);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int OpenReadOnly(byte[] path, int flags);

    private static SafeFileHandle OpenRead(string folder, string name, long durableLength)
    {
        var handle = OpenWithoutLock(Path.Combine(folder, name));
        if (RandomAccess.GetLength(handle) < durableLength)
        {
            handle.Dispose();
            throw new InvalidDataException($"The log in '{folder}' is corrupt: {name} is shorter than its durable size needs.");
        }

        return handle;
    }

    private void RequireSize(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Size);
    }
}
