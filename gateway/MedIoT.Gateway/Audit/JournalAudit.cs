using System.Globalization;
using System.Security.Cryptography;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Storage.Influx;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Storage;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;

namespace MedIoT.Gateway.Audit;

/// <summary>
/// Checks readings read back from InfluxDB against the journal and its latest signed checkpoint: every point must be
/// explained by the entry its <c>journal</c> field names (same device, sequence, code, time and value), that entry must be
/// in the signed tree (RFC 9162 §2.1.3.2 inclusion proof against the checkpoint's root), and every reading of every entry
/// in the range must have its point. The same holds for alarm events (format version 2 entries) and the points of the
/// measurement <c>alarms</c> when those are given: each point must match the alarm entry its <c>journal</c> field names
/// in every tag and field, and every alarm entry in the range must have its point. Read-only: the journal is opened
/// with <see cref="MerkleLogReader"/>.
/// </summary>
internal sealed class JournalAudit(MerkleLogReader log, Checkpoint checkpoint, DeviceRegistry registry)
{
    /// <summary>The <see cref="AuditFinding.Code"/> of an alarm event's finding (the detail names the alarm, its event and condition).</summary>
    public const string AlarmCode = "alarm-event";

    private readonly Dictionary<long, (LedgerEntry Entry, DeviceFrame Frame, bool InCheckpoint)?> _entries = [];
    private readonly Dictionary<long, (AlarmEventEntry Entry, bool InCheckpoint)?> _alarmEntries = [];

    /// <summary>Points whose entry is in the log but after the latest checkpoint (verified against the log only).</summary>
    public long NotYetInCheckpoint { get; private set; }

    /// <summary>Points that matched their entry exactly.</summary>
    public long Verified { get; private set; }

    /// <summary>Entries whose readings fall in the range (the readings InfluxDB must hold).</summary>
    public long ExpectedReadings { get; private set; }

    /// <summary>Alarm points that matched their alarm entry exactly and whose entry is in the signed checkpoint.</summary>
    public long AlarmEventsVerified { get; private set; }

    /// <summary>Alarm points that matched an alarm entry newer than the checkpoint (verified against the log only).</summary>
    public long AlarmEventsNotYetInCheckpoint { get; private set; }

    /// <summary>Alarm entries whose event falls in the range (the points the measurement <c>alarms</c> must hold).</summary>
    public long ExpectedAlarmEvents { get; private set; }

    /// <summary>
    /// Runs the audit of <paramref name="points"/> (readings) and, when <paramref name="alarmPoints"/> is given, of the
    /// alarm points too (null: alarm entries are not checked).
    /// </summary>
    public IReadOnlyList<AuditFinding> Run(AuditRequest request, IReadOnlyList<StoredPoint> points, IReadOnlyList<StoredAlarmPoint>? alarmPoints = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(points);
        var findings = new List<AuditFinding>();
        var storedAlarms = new HashSet<(long? AlarmId, string? Kind, long Time)>();
        foreach (var point in alarmPoints ?? [])
        {
            storedAlarms.Add((point.AlarmId, point.Tag("kind"), point.TimeUnixNanoseconds));
            if (CheckAlarm(point) is { } finding)
            {
                findings.Add(finding);
            }
        }

        var stored = new HashSet<(string Device, string Code, long Time)>();
        foreach (var point in points)
        {
            stored.Add((point.Device, point.Code, point.TimeUnixNanoseconds));
            if (Check(point) is { } finding)
            {
                findings.Add(finding);
            }
        }

        long from = Nanoseconds(request.From), to = Nanoseconds(request.To);
        for (long index = 0; index < log.Size; index++)
        {
            if (Load(index) is not { } loaded)
            {
                if (alarmPoints is not null && LoadAlarm(index) is { } alarm && alarm.Entry.EventUnixNanoseconds >= from && alarm.Entry.EventUnixNanoseconds <= to
                    && SelectedAlarm(alarm.Entry, request))
                {
                    ExpectedAlarmEvents++;
                    if (!storedAlarms.Contains((alarm.Entry.AlarmId, AlarmPoints.KindName(alarm.Entry.EventKind), alarm.Entry.EventUnixNanoseconds)))
                    {
                        findings.Add(AlarmFinding(AuditFindingKind.Missing, alarm.Entry, index, "the journal holds this alarm event; InfluxDB does not"));
                    }
                }

                continue;
            }

            if (!Selected(loaded.Entry.DeviceId, request))
            {
                continue;
            }

            foreach (var observation in loaded.Frame.Observations)
            {
                if (observation.TimeUnixNanoseconds < from || observation.TimeUnixNanoseconds > to)
                {
                    continue;
                }

                ExpectedReadings++;
                var code = observation.Code.ToString(CultureInfo.InvariantCulture);
                if (!stored.Contains((loaded.Entry.DeviceId, code, observation.TimeUnixNanoseconds)))
                {
                    findings.Add(new AuditFinding(AuditFindingKind.Missing, loaded.Entry.DeviceId, code, observation.TimeUnixNanoseconds, index,
                        "the journal holds this reading; InfluxDB does not"));
                }
            }
        }

        return findings;
    }

    private AuditFinding? Check(StoredPoint point)
    {
        AuditFinding Unexplained(string detail) =>
            new(AuditFindingKind.Unexplained, point.Device, point.Code, point.TimeUnixNanoseconds, point.JournalIndex, detail);

        if (point.JournalIndex is not { } index || index < 0 || index >= log.Size)
        {
            return Unexplained(point.JournalIndex is null ? "the point has no journal index" : "the journal index is beyond the journal");
        }

        if (Load(index) is not { } loaded)
        {
            return Unexplained("the journal entry does not decode");
        }

        if (loaded.Entry.DeviceId != point.Device || loaded.Entry.SequenceNumber != point.Sequence)
        {
            return Unexplained("the journal entry is of another device or sequence number");
        }

        var matches = loaded.Frame.Observations.Where(o =>
            o.TimeUnixNanoseconds == point.TimeUnixNanoseconds && o.Code.ToString(CultureInfo.InvariantCulture) == point.Code).ToList();
        if (matches.Count == 0)
        {
            return Unexplained("the journal entry holds no reading of this code at this time");
        }

        // Line protocol carries the shortest round-trip text of a double, so the stored value is the journaled one exactly.
        if (point.Value is not { } value || value != matches[0].Value)
        {
            return new AuditFinding(AuditFindingKind.Altered, point.Device, point.Code, point.TimeUnixNanoseconds, index,
                "the value differs from the signed frame in the journal");
        }

        if (loaded.InCheckpoint)
        {
            Verified++;
        }
        else
        {
            NotYetInCheckpoint++;
        }

        return null;
    }

    private AuditFinding? CheckAlarm(StoredAlarmPoint point)
    {
        AuditFinding Finding(AuditFindingKind kind, string detail) => new(
            kind, point.Device ?? "gateway", AlarmCode, point.TimeUnixNanoseconds, point.JournalIndex,
            $"alarm {point.AlarmId?.ToString(CultureInfo.InvariantCulture) ?? "?"} {point.Tag("kind")} {point.Tag("condition")}: {detail}");

        if (point.JournalIndex is not { } index || index < 0 || index >= log.Size)
        {
            return Finding(AuditFindingKind.Unexplained, point.JournalIndex is null ? "the point has no journal index" : "the journal index is beyond the journal");
        }

        if (LoadAlarm(index) is not { } loaded)
        {
            return Finding(AuditFindingKind.Unexplained, "the journal entry at this index is not an alarm event");
        }

        var entry = loaded.Entry;
        if (entry.AlarmId != point.AlarmId || AlarmPoints.KindName(entry.EventKind) != point.Tag("kind") || entry.EventUnixNanoseconds != point.TimeUnixNanoseconds)
        {
            return Finding(AuditFindingKind.Unexplained, "the journal entry is another alarm event (alarm id, kind or time differ)");
        }

        // Every tag and field the InfluxDB writer derives from the entry (Storage/Influx/AlarmPoints); names only, never values.
        var differing = new List<string>();
        void Compare<T>(string name, T stored, T journaled)
        {
            if (!EqualityComparer<T>.Default.Equals(stored, journaled))
            {
                differing.Add(name);
            }
        }

        Compare("ward", point.Tag("ward"), entry.Ward ?? "gateway");
        Compare("bed", point.Tag("bed"), entry.Bed ?? "gateway");
        Compare("category", point.Tag("category"), AlarmPoints.CategoryName(entry.Category));
        Compare("channel", point.Tag("channel"), AlarmPoints.ChannelName(entry.Category));
        Compare("condition", point.Tag("condition"), entry.ConditionKey);
        Compare("priority", point.Tag("priority"), AlarmPoints.PriorityName(entry.Priority));
        Compare("escalation", point.Escalation, entry.EscalationLevel);
        Compare("news2", point.News2, entry.News2Score);
        Compare("device", point.Device, entry.DeviceId);
        Compare("acknowledged_by", point.AcknowledgedBy, entry.AcknowledgedBy);
        if (differing.Count > 0)
        {
            return Finding(AuditFindingKind.Altered, $"{string.Join(", ", differing)} differ from the alarm entry in the journal");
        }

        if (loaded.InCheckpoint)
        {
            AlarmEventsVerified++;
        }
        else
        {
            AlarmEventsNotYetInCheckpoint++;
        }

        return null;
    }

    private (AlarmEventEntry Entry, bool InCheckpoint)? LoadAlarm(long index)
    {
        if (_alarmEntries.TryGetValue(index, out var cached))
        {
            return cached;
        }

        (AlarmEventEntry, bool)? loaded = null;
        var bytes = log.ReadEntry(index);
        if (AlarmEventEntry.IsGatewayEvent(bytes) && AlarmEventEntry.TryDecode(bytes, out var entry, out _))
        {
            loaded = (entry, InCheckpoint(index, bytes));
        }

        _alarmEntries[index] = loaded;
        return loaded;
    }

    private static AuditFinding AlarmFinding(AuditFindingKind kind, AlarmEventEntry entry, long index, string detail) => new(
        kind, entry.DeviceId ?? "gateway", AlarmCode, entry.EventUnixNanoseconds, index,
        $"alarm {entry.AlarmId.ToString(CultureInfo.InvariantCulture)} {AlarmPoints.KindName(entry.EventKind)} {entry.ConditionKey}: {detail}");

    private static bool SelectedAlarm(AlarmEventEntry entry, AuditRequest request) =>
        (request.Device is null || request.Device == entry.DeviceId)
        && (request.Ward is null || request.Ward == (entry.Ward ?? "gateway"))
        && (request.Bed is null || request.Bed == (entry.Bed ?? "gateway"));

    /// <summary>Whether entry <paramref name="index"/> is proven in the checkpoint; throws when the checkpoint covers it but it is not provable.</summary>
    private bool InCheckpoint(long index, byte[] bytes)
    {
        var inCheckpoint = index < checkpoint.Size
            && MerkleProofVerifier.TryVerifyInclusion(index, checkpoint.Size, MerkleHash.HashLeaf(bytes), log.GetInclusionProof(index, checkpoint.Size),
                checkpoint.RootHash, out _);
        if (index < checkpoint.Size && !inCheckpoint)
        {
            // Covered by the signed tree but not provable: the journal itself was changed.
            throw new InvalidDataException($"Journal entry {index} is not in the signed checkpoint of size {checkpoint.Size}: the journal was altered.");
        }

        return inCheckpoint;
    }

    private (LedgerEntry Entry, DeviceFrame Frame, bool InCheckpoint)? Load(long index)
    {
        if (_entries.TryGetValue(index, out var cached))
        {
            return cached;
        }

        (LedgerEntry, DeviceFrame, bool)? loaded = null;
        var bytes = log.ReadEntry(index);
        if (LedgerEntry.TryDecode(bytes, out var entry, out _)
            && JwsFrameDecoder.TryDecode(entry.Frame.Span, LedgerEntry.MaxFrameLength, out var token, out _, out _)
            && token.TryReadFrame(out var frame, out _, out _))
        {
            loaded = (entry, frame, InCheckpoint(index, bytes));
        }

        _entries[index] = loaded;
        return loaded;
    }

    private bool Selected(string deviceId, AuditRequest request)
    {
        if (request.Device is not null && request.Device != deviceId)
        {
            return false;
        }

        if (request.Ward is null && request.Bed is null)
        {
            return true;
        }

        return registry.TryGet(deviceId, out var device)
            && (request.Ward is null || request.Ward == device.Location.Ward.ToString()) && (request.Bed is null || request.Bed == device.Location.Bed.ToString());
    }

    /// <summary>Whether the log's tree of the checkpoint's size has the checkpoint's root.</summary>
    public static bool IsConsistent(MerkleLogReader log, Checkpoint checkpoint) =>
        checkpoint.Size <= log.Size && CryptographicOperations.FixedTimeEquals(log.GetRootHash(checkpoint.Size), checkpoint.RootHash);

    /// <summary>The latest kept checkpoint that verifies with <paramref name="key"/>, or null.</summary>
    public static (Checkpoint Checkpoint, string Note)? LatestCheckpoint(string journalFolder, NoteVerifierKey key)
    {
        foreach (var note in GatewayJournal.ReadCheckpoints(journalFolder).Reverse())
        {
            if (Checkpoint.TryOpen(note, [key], key.Name, out var checkpoint, out _))
            {
                return (checkpoint, note);
            }
        }

        return null;
    }

    private static long Nanoseconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;
}
