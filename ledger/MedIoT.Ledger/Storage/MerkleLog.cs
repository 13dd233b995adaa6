using System.Buffers.Binary;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using Microsoft.Win32.SafeHandles;

namespace MedIoT.Ledger.Storage;

/// <summary>
/// A durable, append-only RFC 9162 Merkle log in one folder. Appends are batched: <see cref="AppendBatch"/> writes the
/// entries and every new tree node, flushes them to disk, then flushes the new durable size, and only then returns.
/// After a crash at any moment (kill -9, power loss on a disk that honours flushes) <see cref="Open"/> continues from the
/// last durable size; bytes beyond it are a torn tail and are discarded, and the root of every earlier size is unchanged.
/// </summary>
/// <remarks>
/// <para>Files (see ledger/README.md): <c>tree.hashes</c> holds every perfect-subtree hash (leaves and interior nodes,
/// 32 bytes each) in post-order, so the file only ever grows at its end and node (level, index) sits at a computed
/// offset; <c>entries.data</c> holds the entries back to back; <c>entries.index</c> holds each entry's end offset
/// (8 bytes, little-endian); <c>commit</c> holds the durable size (<see cref="CommitRecord"/>).</para>
/// <para>Thread safety: one writer and any number of concurrent readers. Appends are serialised by a lock; readers
/// (<see cref="GetRootHash"/>, proofs, <see cref="ReadEntry"/>) never block and see every size up to <see cref="Size"/>,
/// whose bytes never change. The folder is locked against a second writer process while it is open.</para>
/// </remarks>
public sealed class MerkleLog : IDisposable, IMerkleNodeSource
{
    /// <summary>The largest entry accepted, in bytes (1 MiB; a device frame is at most 16 KiB).</summary>
    public const int MaxEntryLength = 1 << 20;

    internal const string TreeFileName = "tree.hashes";
    internal const string EntriesFileName = "entries.data";
    internal const string IndexFileName = "entries.index";
    internal const string CommitFileName = "commit";

    private readonly Lock _appendLock = new();
    private readonly FileStream _commit;
    private readonly SafeFileHandle _tree;
    private readonly SafeFileHandle _entries;
    private readonly SafeFileHandle _index;

    // The peaks of the current tree (the perfect subtrees of the binary decomposition of Size), largest first.
    private readonly List<byte[]> _peaks = [];
    private long _size;
    private long _entryBytes;
    private long _generation;
    private bool _faulted;
    private bool _disposed;

    private MerkleLog(string folder, FileStream commit, SafeFileHandle tree, SafeFileHandle entries, SafeFileHandle index)
    {
        Folder = folder;
        _commit = commit;
        _tree = tree;
        _entries = entries;
        _index = index;
    }

    /// <summary>The log's folder.</summary>
    public string Folder { get; }

    /// <summary>The number of durable entries. Every size from 0 to this value can be proven.</summary>
    public long Size => Volatile.Read(ref _size);

    /// <summary>
    /// Opens the log in <paramref name="folder"/>, creating the folder (owner-only) and an empty log if needed, and
    /// discards any torn tail beyond the last durable size.
    /// </summary>
    /// <exception cref="IOException">The folder is open in another process, or cannot be read or written.</exception>
    /// <exception cref="InvalidDataException">A file is shorter than the durable size requires (the disk lost flushed data).</exception>
    public static MerkleLog Open(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
        {
            var info = Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
            {
                info.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            }

            // The new folder's own name must be durable before anything in it is.
            if (info.Parent is not null)
            {
                DurableFolder.Flush(info.Parent.FullName);
            }
        }

        // FileShare.None takes an exclusive lock (flock on Unix) that the OS releases when the process dies.
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var commit = new FileStream(Path.Combine(folder, CommitFileName), options);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(commit.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite); // as OpenData
        }

        SafeFileHandle? tree = null, entries = null, index = null;
        try
        {
            tree = OpenData(folder, TreeFileName);
            entries = OpenData(folder, EntriesFileName);
            index = OpenData(folder, IndexFileName);
            var log = new MerkleLog(folder, commit, tree, entries, index);
            log.Recover();
            return log;
        }
        catch
        {
            tree?.Dispose();
            entries?.Dispose();
            index?.Dispose();
            commit.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Appends <paramref name="entries"/> as consecutive leaves and returns the index of the first. The batch is durable
    /// (flushed to disk) when this returns; a failure leaves the log at its previous size and faults this instance,
    /// which must then be disposed and reopened.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is empty or an entry is longer than <see cref="MaxEntryLength"/>.</exception>
    /// <exception cref="InvalidOperationException">An earlier append failed.</exception>
    /// <exception cref="IOException">Writing or flushing failed.</exception>
    public long AppendBatch(IReadOnlyList<ReadOnlyMemory<byte>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            throw new ArgumentException("A batch holds at least one entry.", nameof(entries));
        }

        long batchBytes = 0;
        foreach (var entry in entries)
        {
            if (entry.Length > MaxEntryLength)
            {
                throw new ArgumentException($"An entry is at most {MaxEntryLength} bytes; got {entry.Length}.", nameof(entries));
            }

            batchBytes += entry.Length;
        }

        lock (_appendLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_faulted)
            {
                throw new InvalidOperationException($"An earlier append to the log in '{Folder}' failed; dispose and reopen it.");
            }

            var first = _size;
            var newSize = first + entries.Count;
            var nodeStart = NodeCount(first);
            var nodes = new byte[checked((int)(NodeCount(newSize) - nodeStart) * MerkleHash.Length)];
            var data = new byte[checked((int)batchBytes)];
            var offsets = new byte[entries.Count * sizeof(long)];
            var peaks = new List<byte[]>(_peaks);
            var nodeOffset = 0;
            var dataOffset = 0;
            for (var i = 0; i < entries.Count; i++)
            {
                var span = entries[i].Span;
                span.CopyTo(data.AsSpan(dataOffset));
                dataOffset += span.Length;
                BinaryPrimitives.WriteInt64LittleEndian(offsets.AsSpan(i * sizeof(long)), _entryBytes + dataOffset);

                var hash = MerkleHash.HashLeaf(span);
                hash.CopyTo(nodes, nodeOffset);
                nodeOffset += MerkleHash.Length;
                peaks.Add(hash);

                // Leaf number first + i completes one parent per trailing one bit of its index (post-order).
                var completed = long.TrailingZeroCount(~(first + i));
                for (var level = 0; level < completed; level++)
                {
                    var parent = MerkleHash.HashChildren(peaks[^2], peaks[^1]);
                    peaks.RemoveRange(peaks.Count - 2, 2);
                    peaks.Add(parent);
                    parent.CopyTo(nodes, nodeOffset);
                    nodeOffset += MerkleHash.Length;
                }
            }

            try
            {
                RandomAccess.Write(_tree, nodes, nodeStart * MerkleHash.Length);
                RandomAccess.Write(_entries, data, _entryBytes);
                RandomAccess.Write(_index, offsets, first * sizeof(long));
                // The three flushes are independent: issued together, the disk serves them in one round.
                Parallel.Invoke(
                    () => RandomAccess.FlushToDisk(_tree),
                    () => RandomAccess.FlushToDisk(_entries),
                    () => RandomAccess.FlushToDisk(_index));

                // Only now that everything below the new size is on disk does the new size become durable.
                WriteCommit(new CommitRecord(_generation + 1, newSize, _entryBytes + batchBytes));
            }
            catch (AggregateException exception) when (exception.InnerExceptions.Count > 0)
            {
                // A failed parallel flush: surface the first I/O error itself, as a sequential flush would.
                _faulted = true;
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception.InnerExceptions[0]);
                throw;
            }
            catch
            {
                _faulted = true;
                throw;
            }

            _generation++;
            _entryBytes += batchBytes;
            _peaks.Clear();
            _peaks.AddRange(peaks);
            Volatile.Write(ref _size, newSize);
            return first;
        }
    }

    /// <summary>MTH(D[0:size]) (RFC 9162 §2.1.1) for any durable size; MTH({}) for 0. O(log n) reads.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative or above <see cref="Size"/>.</exception>
    public byte[] GetRootHash(long size)
    {
        RequireSize(size, nameof(size));
        return MerkleProofBuilder.RootHash(this, size);
    }

    /// <summary>The inclusion proof PATH(index, D[0:size]) (RFC 9162 §2.1.3.1). O(log n) reads.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not <c>0 ≤ index &lt; size ≤ Size</c>.</exception>
    public byte[][] GetInclusionProof(long index, long size)
    {
        RequireSize(size, nameof(size));
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        return MerkleProofBuilder.InclusionProof(this, index, size);
    }

    /// <summary>The consistency proof PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1); empty when first is 0 or equals second.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not <c>0 ≤ first ≤ second ≤ Size</c>.</exception>
    public byte[][] GetConsistencyProof(long first, long second)
    {
        RequireSize(second, nameof(second));
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, second);
        return MerkleProofBuilder.ConsistencyProof(this, first, second);
    }

    /// <summary>The leaf hash of entry <paramref name="index"/> as stored.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not <c>0 ≤ index &lt; Size</c>.</exception>
    public byte[] GetLeafHash(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        var hash = new byte[MerkleHash.Length];
        ((IMerkleNodeSource)this).ReadNode(0, index, hash);
        return hash;
    }

    /// <summary>The bytes of entry <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not <c>0 ≤ index &lt; Size</c>.</exception>
    public byte[] ReadEntry(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return LogFiles.ReadEntry(_index, _entries, index, Folder);
    }

    /// <summary>Closes the files and releases the folder lock.</summary>
    public void Dispose()
    {
        lock (_appendLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _tree.Dispose();
            _entries.Dispose();
            _index.Dispose();
            _commit.Dispose();
        }
    }

    void IMerkleNodeSource.ReadNode(int level, long index, Span<byte> destination)
    {
        ReadExactly(_tree, destination[..MerkleHash.Length], NodePosition(level, index) * MerkleHash.Length);
    }

    /// <summary>The number of stored nodes of a tree of <paramref name="size"/> leaves: 2n - popcount(n).</summary>
    internal static long NodeCount(long size) => (2 * size) - long.PopCount(size);

    /// <summary>
    /// The post-order position of node (level, index): it is written right after leaf j = (index + 1)·2^level - 1,
    /// whose own position is 2j - popcount(j), followed by the parents that leaf completes, one per level.
    /// </summary>
    internal static long NodePosition(int level, long index)
    {
        var lastLeaf = ((index + 1) << level) - 1;
        return (2 * lastLeaf) - long.PopCount(lastLeaf) + level;
    }

    private static SafeFileHandle OpenData(string folder, string name)
    {
        var handle = File.OpenHandle(Path.Combine(folder, name), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read,
            FileOptions.None, preallocationSize: 0);
        if (!OperatingSystem.IsWindows())
        {
            // Owner-only whatever the process's umask: the entries are patients' readings (a log kept by an earlier
            // release with wider modes is narrowed here too).
            File.SetUnixFileMode(handle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return handle;
    }

    private void Recover()
    {
        Span<byte> slots = stackalloc byte[CommitRecord.FileLength];
        slots.Clear();
        var read = RandomAccess.Read(_commit.SafeFileHandle, slots, 0);
        CommitRecord? best = null;
        for (var slot = 0; slot < 2; slot++)
        {
            var start = slot * CommitRecord.SlotStride;
            if (read >= start + CommitRecord.Length
                && CommitRecord.TryRead(slots.Slice(start, CommitRecord.Length), out var record)
                && (best is null || record.Generation > best.Value.Generation))
            {
                best = record;
            }
        }

        // Generation 0 is made durable before any batch starts, and later commits alternate slots, so one slot is
        // always valid once data exists. No valid slot next to data means the commit file was damaged: stop rather
        // than truncate the log to nothing.
        if (best is null && (RandomAccess.GetLength(_tree) > 0 || RandomAccess.GetLength(_entries) > 0 || RandomAccess.GetLength(_index) > 0))
        {
            throw new InvalidDataException(
                $"The log in '{Folder}' has data but no valid commit record in '{CommitFileName}'. Restore the folder from a backup.");
        }

        var durable = best ?? new CommitRecord(0, 0, 0);
        TruncateTail(_tree, TreeFileName, NodeCount(durable.Size) * MerkleHash.Length);
        TruncateTail(_entries, EntriesFileName, durable.EntryBytes);
        TruncateTail(_index, IndexFileName, durable.Size * sizeof(long));
        if (best is null)
        {
            // A new log: write generation 0 explicitly, and make the new files' names durable (fsync of the
            // folder) before any batch relies on them.
            WriteCommit(durable);
            DurableFolder.Flush(Folder);
        }

        _generation = durable.Generation;
        _size = durable.Size;
        _entryBytes = durable.EntryBytes;
        if (durable.Size > 0)
        {
            Span<byte> lastEnd = stackalloc byte[sizeof(long)];
            ReadExactly(_index, lastEnd, (durable.Size - 1) * sizeof(long));
            if (BinaryPrimitives.ReadInt64LittleEndian(lastEnd) != durable.EntryBytes)
            {
                throw new InvalidDataException(
                    $"The log in '{Folder}' is corrupt: the entry index does not end at the durable entry length.");
            }
        }

        // The peaks of the durable tree, largest first: one perfect subtree per set bit of the size.
        long covered = 0;
        for (var level = 62; level >= 0; level--)
        {
            if ((durable.Size & (1L << level)) != 0)
            {
                var peak = new byte[MerkleHash.Length];
                ((IMerkleNodeSource)this).ReadNode(level, covered >> level, peak);
                _peaks.Add(peak);
                covered += 1L << level;
            }
        }
    }

    private void TruncateTail(SafeFileHandle handle, string name, long durableLength)
    {
        var length = RandomAccess.GetLength(handle);
        if (length < durableLength)
        {
            throw new InvalidDataException(
                $"The log in '{Folder}' is corrupt: {name} has {length} bytes but the durable size needs {durableLength}. " +
                "Data that was flushed to disk is missing; restore the folder from a backup.");
        }

        if (length > durableLength)
        {
            RandomAccess.SetLength(handle, durableLength);
            RandomAccess.FlushToDisk(handle);
        }
    }

    private void WriteCommit(CommitRecord record)
    {
        Span<byte> buffer = stackalloc byte[CommitRecord.Length];
        record.Write(buffer);
        RandomAccess.Write(_commit.SafeFileHandle, buffer, record.SlotOffset);
        RandomAccess.FlushToDisk(_commit.SafeFileHandle);
    }

    private void RequireSize(long size, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Size, name);
    }

    private void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        LogFiles.ReadExactly(handle, destination, offset, Folder);
    }
}
