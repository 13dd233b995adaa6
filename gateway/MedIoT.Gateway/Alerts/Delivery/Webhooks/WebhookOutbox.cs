using System.Globalization;
using MedIoT.Ledger.Storage;

namespace MedIoT.Gateway.Alerts.Delivery.Webhooks;

/// <summary>
/// The persistent outbox of one webhook: one file per pending delivery, <c>{sequence:D19}.json</c>, written to a
/// temporary name, flushed to disk, renamed and the folder flushed, so a crash leaves either the whole entry or none. Entries are sent
/// oldest first and deleted once delivered or failed for good. Bounded: when <c>capacity</c> entries wait, appending
/// deletes the oldest (an older alarm event matters less than the newest; the bed's state is on MQTT). Thread-safe.
/// </summary>
internal sealed class WebhookOutbox
{
    private const string Extension = ".json";
    private readonly string _folder;
    private readonly int _capacity;
    private readonly SortedSet<long> _pending = [];
    private readonly Lock _gate = new();
    private long _nextSequence;

    /// <summary>Opens (or creates, mode 0700) the folder and finds the entries left by an earlier run.</summary>
    public WebhookOutbox(string folder, int capacity)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _folder = folder;
        _capacity = capacity;
        var info = Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            info.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        foreach (var path in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(Extension, StringComparison.Ordinal) &&
                long.TryParse(name.AsSpan(0, name.Length - Extension.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                _pending.Add(sequence);
            }
            else if (name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(path); // A write torn by a crash: never renamed, never acknowledged to anyone.
            }
        }

        _nextSequence = _pending.Count == 0 ? 1 : _pending.Max + 1;
    }

    /// <summary>Entries waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Stores <paramref name="body"/> durably; returns how many oldest entries were dropped to make room (0 or 1).</summary>
    public int Append(ReadOnlySpan<byte> body)
    {
        long sequence;
        lock (_gate)
        {
            sequence = _nextSequence++;
        }

        var final = PathOf(sequence);
        var temporary = final + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            stream.Write(body);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, final);

        // The rename is durable only once the folder itself is flushed (POSIX fsync(2) on the directory); before
        // that a power loss could forget the entry even though its bytes were on disk.
        DurableFolder.Flush(_folder);
        var dropped = 0;
        lock (_gate)
        {
            _pending.Add(sequence);
            while (_pending.Count > _capacity)
            {
                var oldest = _pending.Min;
                _pending.Remove(oldest);
                File.Delete(PathOf(oldest));
                dropped++;
            }
        }

        return dropped;
    }

    /// <summary>The oldest entry, if any.</summary>
    public bool TryPeek(out long sequence, out byte[] body)
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                sequence = 0;
                body = [];
                return false;
            }

            sequence = _pending.Min;
        }

        try
        {
            body = File.ReadAllBytes(PathOf(sequence));
            return true;
        }
        catch (FileNotFoundException)
        {
            // Dropped for room between the two steps: look again.
            Remove(sequence);
            return TryPeek(out sequence, out body);
        }
    }

    /// <summary>Deletes a delivered or permanently failed entry.</summary>
    public void Remove(long sequence)
    {
        lock (_gate)
        {
            if (_pending.Remove(sequence))
            {
                File.Delete(PathOf(sequence));
            }
        }
    }

    private string PathOf(long sequence) => Path.Combine(_folder, sequence.ToString("D19", CultureInfo.InvariantCulture) + Extension);
}
