using System.Security.Cryptography;
using System.Text;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Storage;
using MedIoT.Protocol.Jws;

namespace MedIoT.Gateway.Journal;

/// <summary>
/// The gateway's journal: the RFC 9162 log of every accepted frame and every alarm event (ledger/README.md,
/// docs/ledger-entry-format.md) with its signed checkpoints,
/// and the per-device sequence history it implies. Layout of <see cref="Folder"/>:
/// <list type="bullet">
/// <item><c>log/</c>: the <see cref="MerkleLog"/> (locked against a second process);</item>
/// <item><c>checkpoint.note</c>: the last signed checkpoint (the signer's state, ledger/README.md);</item>
/// <item><c>checkpoints.notes</c>: every checkpoint ever signed, appended (each record <c>&lt;byte length&gt;\n&lt;note&gt;</c>);</item>
/// <item><c>replay.snapshot</c>: the sequence history and the <see cref="AlarmHistory"/> at some journal size, so start-up
/// replays only the tail;</item>
/// <item><c>alarm-ids.reserved</c>: the alarm ids the alert service may hand out before it writes again (<see cref="AlarmIdReservation"/>);</item>
/// <item><c>bed-exit.armed</c>: the beds whose bed-exit monitoring is armed (Alerts/BedExitArmingStore);</item>
/// <item><c>influx.cursor</c>: the InfluxDB writer's position (Storage/Influx).</item>
/// </list>
/// One writer (the Append methods, used only by the <see cref="JournalWriterService"/>) and any number of readers.
/// </summary>
public sealed class GatewayJournal : IDisposable
{
    /// <summary>The file that keeps every signed checkpoint.</summary>
    public const string CheckpointsFileName = "checkpoints.notes";

    // Version 2 adds the alarm history; a version-1 snapshot is ignored, so the next start rebuilds both from the whole log.
    private const string SnapshotMagic = "MEDIOT-REPLAY-2";

    /// <summary>
    /// A checkpoint also rewrites the replay snapshot when the log grew this much since the last one: a start replays at
    /// most about this many entries (a fraction of a second), while the snapshot (every device's window) is not
    /// serialised under the append lock at every checkpoint.
    /// </summary>
    private const long SnapshotEveryEntries = 50_000;
    private readonly MerkleLog _log;
    private readonly CheckpointSigner _signer;
    private readonly ReplayGuard _durableHistory;
    private readonly AlarmHistory _alarmHistory;

    // Alarm records replayed at open that do not decode; kept up to this many for the alert service's log.
    private const int MaxUnreadableAlarmEntries = 100;
    private readonly List<UnreadableAlarmEntry> _unreadableAlarmEntries = [];
    private readonly Lock _appendLock = new();
    private readonly Lock _checkpointLock = new();
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _snapshotSize;
    private readonly Lock _snapshotLock = new();
    private readonly MemoryStream _snapshotBuffer = new();

    // The last appended frames, decoded, by index: the InfluxDB writer tails the journal closely and takes them from here
    // instead of reading and decoding each entry again; anything older is read from the log.
    private const int RecentCapacity = 2048;
    private readonly RecentFrame?[] _recent = new RecentFrame?[RecentCapacity];

    private GatewayJournal(string folder, MerkleLog log, CheckpointSigner signer, ReplayGuard durableHistory, AlarmHistory alarmHistory, long snapshotSize)
    {
        Folder = folder;
        _log = log;
        _signer = signer;
        _durableHistory = durableHistory;
        _alarmHistory = alarmHistory;
        RestoredFromSnapshotAt = snapshotSize;
        _snapshotSize = snapshotSize;
    }

    /// <summary>The journal's folder.</summary>
    public string Folder { get; }

    /// <summary>The log itself (read it freely; only the journal appends).</summary>
    public MerkleLog Log => _log;

    /// <summary>How many entries are durable.</summary>
    public long Size => _log.Size;

    /// <summary>The checkpoint signer (its <see cref="CheckpointSigner.VerifierKey"/> is what auditors need).</summary>
    public CheckpointSigner Signer => _signer;

    /// <summary>The journal size of the replay snapshot the sequence history was restored from (0 when none).</summary>
    public long RestoredFromSnapshotAt { get; }

    /// <summary>Where the InfluxDB writer keeps its position.</summary>
    public string InfluxCursorFile => Path.Combine(Folder, "influx.cursor");

    /// <summary>Where every signed checkpoint is kept.</summary>
    public string CheckpointsFile => Path.Combine(Folder, CheckpointsFileName);

    private string SnapshotFile => Path.Combine(Folder, "replay.snapshot");

    /// <summary>
    /// Opens (or creates) the journal in <paramref name="folder"/>, signing checkpoints with <paramref name="identity"/>,
    /// and restores the sequence history of the last <paramref name="replayWindow"/> numbers per device.
    /// </summary>
    /// <exception cref="InvalidDataException">The log or the checkpoint state is damaged (never repaired silently).</exception>
    public static GatewayJournal Open(string folder, GatewayIdentity identity, int replayWindow)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(identity);
        Directory.CreateDirectory(folder);
        var log = MerkleLog.Open(Path.Combine(folder, "log"));
        try
        {
            var signer = identity.OpenCheckpointSigner(Path.Combine(folder, "checkpoint.note"));
            var snapshotSize = TryLoadSnapshot(Path.Combine(folder, "replay.snapshot"), log.Size, replayWindow, out var history, out var alarms);
            var journal = new GatewayJournal(folder, log, signer, history, alarms, snapshotSize);
            journal.Replay(history, alarms, snapshotSize);
            journal.KeepLastSignedCheckpoint();
            return journal;
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A sequence history equal to the journal's (for the <see cref="FrameVerifier"/>): redeliveries of journaled frames
    /// are duplicates, a different frame with a journaled sequence number a conflict.
    /// </summary>
    internal ReplayGuard CreateSequenceHistory()
    {
        var guard = new ReplayGuard(_durableHistory.Window);
        lock (_appendLock)
        {
            using var buffer = new MemoryStream();
            using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                _durableHistory.WriteTo(writer);
            }

            buffer.Position = 0;
            using var reader = new BinaryReader(buffer, Encoding.UTF8);
            guard.ReadFrom(reader);
        }

        return guard;
    }

    /// <summary>
    /// What the journal holds for the alert service's start (a copy): the alarms its alarm events leave active, the highest
    /// alarm id journaled and each device's last frame receive time (docs/alerts.md §9).
    /// </summary>
    internal AlarmHistory CreateAlarmHistory()
    {
        lock (_appendLock)
        {
            return _alarmHistory.Clone();
        }
    }

    /// <summary>The alarm records replayed at open that do not decode (at most 100): skipped by the alarm history.</summary>
    internal IReadOnlyList<UnreadableAlarmEntry> UnreadableAlarmEntries => _unreadableAlarmEntries;

    /// <summary>The alarm id reservation kept beside the journal.</summary>
    internal string AlarmIdReservationFile => Path.Combine(Folder, AlarmIdReservation.FileName);

    /// <summary>Appends accepted frames as one durable batch; returns the index of the first. Durable on return.</summary>
    internal long Append(IReadOnlyList<VerifiedFrame> frames) => Append(frames, []);

    /// <summary>
    /// Appends accepted frames and then gateway event records (alarm events, format version 2) as one durable batch;
    /// returns the index of the first entry. Gateway events do not touch any device's sequence history. Durable on return.
    /// </summary>
    internal long Append(IReadOnlyList<VerifiedFrame> frames, IReadOnlyList<AlarmEventEntry> events)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(events);
        var encoded = new ReadOnlyMemory<byte>[frames.Count + events.Count];
        for (var i = 0; i < frames.Count; i++)
        {
            encoded[i] = Encode(frames[i]);
        }

        for (var i = 0; i < events.Count; i++)
        {
            encoded[frames.Count + i] = events[i].Encode();
        }

        long first;
        lock (_appendLock)
        {
            first = _log.AppendBatch(encoded);
            for (var i = 0; i < frames.Count; i++)
            {
                var frame = frames[i];
                _durableHistory.Check(frame.Device.DeviceId, frame.Frame.SequenceNumber,
                    frame.Signature.IsEmpty ? SignatureOf(frame.Token.Span) : frame.Signature.Span);
                _alarmHistory.RecordFrame(frame.Device.DeviceId, frame.ReceivedUnixNanoseconds);
                Volatile.Write(ref _recent[(first + i) % RecentCapacity], new RecentFrame(first + i, frame));
            }

            for (var i = frames.Count; i < encoded.Length; i++)
            {
                // Not a frame: readers read the entry from the log.
                _alarmHistory.Apply(events[i - frames.Count]);
                Volatile.Write(ref _recent[(first + i) % RecentCapacity], null);
            }
        }

        Interlocked.Exchange(ref _appended, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return first;
    }

    /// <summary>The decoded frame of entry <paramref name="index"/> when it was appended recently by this process.</summary>
    internal bool TryGetRecent(long index, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out VerifiedFrame? frame)
    {
        var recent = Volatile.Read(ref _recent[index % RecentCapacity]);
        frame = recent is not null && recent.Index == index ? recent.Frame : null;
        return frame is not null;
    }

    /// <summary>Completes when the journal holds more than <paramref name="size"/> entries.</summary>
    public async Task WaitForSizeAboveAsync(long size, CancellationToken cancellationToken)
    {
        while (true)
        {
            var appended = Volatile.Read(ref _appended);
            if (_log.Size > size)
            {
                return;
            }

            await appended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Signs a checkpoint of the current size when it grew since the last one and keeps it in the checkpoints file; writes
    /// the replay snapshot too when <paramref name="withSnapshot"/> or when the log grew enough since the last snapshot.
    /// Returns the new checkpoint's size, or -1 when there was nothing new to sign.
    /// </summary>
    /// <exception cref="InvalidOperationException">The signer refuses (the log is not consistent with what it signed).</exception>
    public long SignCheckpoint(bool withSnapshot = true)
    {
        lock (_checkpointLock)
        {
            // Nothing to sign for an empty log, or one that has not grown since the last checkpoint.
            var last = _signer.LastSigned;
            if (_log.Size == 0 || (last is not null && last.Size >= _log.Size))
            {
                return -1;
            }

            if (!_signer.TrySignLatest(_log, out var note, out var refusal))
            {
                throw new InvalidOperationException(
                    $"The journal in '{Folder}' is not consistent with its last signed checkpoint ({refusal}); it was damaged or replaced. Restore it from a backup.");
            }

            AppendCheckpoint(note);
            if (withSnapshot || _log.Size - Volatile.Read(ref _snapshotSize) >= SnapshotEveryEntries)
            {
                WriteSnapshot();
            }

            return _signer.LastSigned!.Size;
        }
    }

    /// <summary>Writes the sequence history snapshot at the current size (also done with every checkpoint).</summary>
    public void WriteSnapshot()
    {
        lock (_snapshotLock)
        {
            // One buffer for every snapshot: a snapshot is about 25 KB per device (the replay window's sequence numbers and
            // fingerprints), megabytes on a ward, which a new, growing stream each time would allocate afresh on the large
            // object heap every SnapshotEveryEntries entries.
            var buffer = _snapshotBuffer;
            buffer.SetLength(0);
            long size;
            using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(SnapshotMagic);
                lock (_appendLock)
                {
                    size = _log.Size;
                    writer.Write(size);
                    writer.Write(_durableHistory.Window);
                    _durableHistory.WriteTo(writer);
                    _alarmHistory.WriteTo(writer);
                }
            }

            var checksum = SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            buffer.Write(checksum);
            DurableFolder.ReplaceFile(SnapshotFile, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            Volatile.Write(ref _snapshotSize, size);
        }
    }

    /// <summary>Every checkpoint kept in <paramref name="journalFolder"/>, oldest first (a torn last record is ignored).</summary>
    public static IReadOnlyList<string> ReadCheckpoints(string journalFolder)
    {
        var path = Path.Combine(journalFolder, CheckpointsFileName);
        if (!File.Exists(path))
        {
            return [];
        }

        var bytes = File.ReadAllBytes(path);
        var notes = new List<string>();
        var position = 0;
        while (position < bytes.Length)
        {
            var newline = Array.IndexOf(bytes, (byte)'\n', position);
            if (newline < 0 || !int.TryParse(bytes.AsSpan(position, newline - position), out var length) || length < 0
                || newline + 1 + length > bytes.Length)
            {
                break; // a record torn by a crash while it was appended
            }

            notes.Add(Encoding.UTF8.GetString(bytes, newline + 1, length));
            position = newline + 1 + length;
        }

        return notes;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Interlocked.Exchange(ref _appended, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetCanceled();
        _log.Dispose();
        _snapshotBuffer.Dispose();
    }

    /// <summary>The canonical entry of an accepted frame (docs/ledger-entry-format.md).</summary>
    internal static byte[] Encode(VerifiedFrame frame)
    {
        if (frame.Token.IsEmpty)
        {
            throw new InvalidOperationException($"The verified frame of device {frame.Device.DeviceId} carries no signed token to journal.");
        }

        var attestation = frame.Attestation == FrameAttestation.GatewayAttested ? EntryAttestation.GatewayAttested : EntryAttestation.DeviceSigned;
        return new LedgerEntry(frame.Device.DeviceId, frame.Frame.SequenceNumber, frame.Token.Span, attestation, frame.ReceivedUnixNanoseconds).Encode();
    }

    private sealed record RecentFrame(long Index, VerifiedFrame Frame);

    private static ReadOnlySpan<byte> SignatureOf(ReadOnlySpan<byte> token)
    {
        if (!JwsFrameDecoder.TryDecode(token, LedgerEntry.MaxFrameLength, out var jws, out _, out _))
        {
            throw new InvalidOperationException("A verified frame's token does not decode.");
        }

        return jws.Signature.Span;
    }

    private static long TryLoadSnapshot(string path, long logSize, int window, out ReplayGuard history, out AlarmHistory alarms)
    {
        // Any damage or mismatch: empty histories, rebuilt from the whole log.
        history = new ReplayGuard(window);
        alarms = new AlarmHistory();
        var loaded = new ReplayGuard(window);
        if (!File.Exists(path))
        {
            return 0;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < SHA256.HashSizeInBytes
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(bytes.AsSpan(0, bytes.Length - SHA256.HashSizeInBytes)), bytes.AsSpan(^SHA256.HashSizeInBytes)))
        {
            return 0; // damaged: rebuild from the whole log
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - SHA256.HashSizeInBytes), Encoding.UTF8);
            if (reader.ReadString() != SnapshotMagic)
            {
                return 0;
            }

            var size = reader.ReadInt64();
            if (size < 0 || size > logSize || reader.ReadInt32() != window)
            {
                return 0; // another window setting, or a log older than the snapshot: rebuild from the log
            }

            loaded.ReadFrom(reader);
            var loadedAlarms = AlarmHistory.ReadFrom(reader);
            history = loaded;
            alarms = loadedAlarms;
            return size;
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException or IOException)
        {
            return 0;
        }
    }

    private void Replay(ReplayGuard history, AlarmHistory alarms, long from)
    {
        for (var index = from; index < _log.Size; index++)
        {
            var bytes = _log.ReadEntry(index);
            if (AlarmEventEntry.IsGatewayEvent(bytes))
            {
                // A gateway event (alarm) record: no sequence state. One that does not decode (a record kind of a later
                // version, a damaged record) changes no alarm; it is kept for the alert service to log and count, and the
                // start goes on (docs/alerts.md §9, "Bad records").
                if (AlarmEventEntry.TryDecode(bytes, out var alarmEvent, out var eventFailure))
                {
                    alarms.Apply(alarmEvent);
                }
                else if (_unreadableAlarmEntries.Count < MaxUnreadableAlarmEntries)
                {
                    _unreadableAlarmEntries.Add(new UnreadableAlarmEntry(index, eventFailure.ToString()));
                }

                continue;
            }

            if (!LedgerEntry.TryDecode(bytes, out var entry, out var failure))
            {
                throw new InvalidDataException($"Journal entry {index} in '{Folder}' does not decode ({failure}).");
            }

            history.Check(entry.DeviceId, entry.SequenceNumber, SignatureOf(entry.Frame.Span));
            alarms.RecordFrame(entry.DeviceId, entry.ReceivedUnixNanoseconds);
        }
    }

    private void KeepLastSignedCheckpoint()
    {
        var last = _signer.LastSignedNote;
        if (last is null)
        {
            return;
        }

        var kept = ReadCheckpoints(Folder);
        if (kept.Count == 0 || kept[^1] != last)
        {
            // Signed and persisted by the signer, but the crash came before it was appended here.
            AppendCheckpoint(last);
        }
    }

    private void AppendCheckpoint(string note)
    {
        var path = CheckpointsFile;
        var valid = ValidLength(path);
        var bytes = Encoding.UTF8.GetBytes(note);
        var created = !File.Exists(path);
        using var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        stream.SetLength(valid); // drop a record torn by a crash
        stream.Position = valid;
        stream.Write(Encoding.ASCII.GetBytes(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"));
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
        if (created)
        {
            DurableFolder.Flush(Folder);
        }
    }

    private static long ValidLength(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        var bytes = File.ReadAllBytes(path);
        var position = 0;
        while (position < bytes.Length)
        {
            var newline = Array.IndexOf(bytes, (byte)'\n', position);
            if (newline < 0 || !int.TryParse(bytes.AsSpan(position, newline - position), out var length) || length < 0
                || newline + 1 + length > bytes.Length)
            {
                break;
            }

            position = newline + 1 + length;
        }

        return position;
    }
}

/// <summary>A journal entry that claims to be an alarm record (format version 2) but does not decode.</summary>
/// <param name="Index">The entry's index in the journal.</param>
/// <param name="Failure">Why it does not decode.</param>
internal sealed record UnreadableAlarmEntry(long Index, string Failure);
