using MedIoT.Alerts;
using MedIoT.Ledger.Entries;

namespace MedIoT.Gateway.Journal;

/// <summary>
/// What the journal says the alert service needs at start (docs/alerts.md §9): every alarm still active after the
/// journaled alarm events, the highest alarm id journaled, and each device's last frame receive time. Folded entry by
/// entry as the journal appends or replays them and kept in the journal's snapshot, so a start reads only the tail.
/// </summary>
/// <remarks>
/// An alarm event entry (format version 2) is the alarm after the event; the few things it does not carry are the times
/// of the lifecycle steps, which are the event times of those steps: raised at (the <c>raised</c> event), acknowledged
/// at (the <c>acknowledged</c> event), the escalation clock (raised at, or the <c>updated</c> event that took an
/// acknowledgement back because the priority rose), and whether the condition is present (<c>latched</c> clears it,
/// <c>updated</c> sets it, a security alarm never has one). An event whose <c>raised</c> is missing (an alarm event the
/// full journal queue could not take, counted and logged) starts the alarm at its own time.
/// </remarks>
internal sealed class AlarmHistory
{
    // At most this many alarms and devices are read from a snapshot: far beyond what the engine keeps (its security cap,
    // a ward's beds and conditions), so a damaged count is refused instead of allocating without bound.
    private const int MaxSnapshotItems = 1_000_000;

    private readonly Dictionary<long, JournaledAlarm> _active = [];
    private readonly Dictionary<string, long> _lastFrames = new(StringComparer.Ordinal);

    /// <summary>The highest alarm id in any journaled event (0 when none).</summary>
    public long LastAlarmId { get; private set; }

    /// <summary>The alarms active after the last journaled event of each.</summary>
    public IReadOnlyCollection<JournaledAlarm> ActiveAlarms => _active.Values;

    /// <summary>Each device's latest frame receive time, in nanoseconds since 1970-01-01T00:00:00Z.</summary>
    public IReadOnlyDictionary<string, long> LastFrameTimes => _lastFrames;

    /// <summary>A journaled frame of <paramref name="deviceId"/> received at <paramref name="receivedUnixNanoseconds"/>.</summary>
    public void RecordFrame(string deviceId, long receivedUnixNanoseconds)
    {
        if (!_lastFrames.TryGetValue(deviceId, out var last) || receivedUnixNanoseconds > last)
        {
            _lastFrames[deviceId] = receivedUnixNanoseconds;
        }
    }

    /// <summary>A journaled alarm event.</summary>
    public void Apply(AlarmEventEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        LastAlarmId = Math.Max(LastAlarmId, entry.AlarmId);
        var at = entry.EventUnixNanoseconds;
        if (entry.EventKind == (byte)AlarmEventKind.Resolved)
        {
            _active.Remove(entry.AlarmId);
            return;
        }

        var security = entry.Category == (byte)AlarmCategory.Security;
        if (!_active.TryGetValue(entry.AlarmId, out var previous))
        {
            var present = !security && entry.EventKind != (byte)AlarmEventKind.Latched;
            _active[entry.AlarmId] = From(entry, raisedAt: at, unacknowledgedSince: at, entry.AcknowledgedBy is null ? null : at, present);
            return;
        }

        var unacknowledgedSince = previous.AcknowledgedBy is not null && entry.AcknowledgedBy is null ? at : previous.UnacknowledgedSinceUnixNanoseconds;
        long? acknowledgedAt = entry.AcknowledgedBy is null ? null
            : entry.EventKind == (byte)AlarmEventKind.Acknowledged ? at : previous.AcknowledgedAtUnixNanoseconds ?? at;
        var conditionPresent = !security && entry.EventKind switch
        {
            (byte)AlarmEventKind.Latched => false,
            (byte)AlarmEventKind.Updated => true,
            _ => previous.ConditionPresent,
        };
        _active[entry.AlarmId] = From(entry, previous.RaisedAtUnixNanoseconds, unacknowledgedSince, acknowledgedAt, conditionPresent);
    }

    /// <summary>A copy (the journal keeps folding its own).</summary>
    public AlarmHistory Clone()
    {
        var copy = new AlarmHistory { LastAlarmId = LastAlarmId };
        foreach (var (id, alarm) in _active)
        {
            copy._active.Add(id, alarm);
        }

        foreach (var (device, time) in _lastFrames)
        {
            copy._lastFrames.Add(device, time);
        }

        return copy;
    }

    /// <summary>Writes the history into the journal's snapshot.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(LastAlarmId);
        writer.Write(_lastFrames.Count);
        foreach (var (device, time) in _lastFrames)
        {
            writer.Write(device);
            writer.Write(time);
        }

        writer.Write(_active.Count);
        foreach (var alarm in _active.Values)
        {
            writer.Write(alarm.AlarmId);
            writer.Write(alarm.ConditionKey);
            WriteOptional(writer, alarm.Ward);
            WriteOptional(writer, alarm.Bed);
            WriteOptional(writer, alarm.DeviceId);
            writer.Write(alarm.Priority);
            writer.Write(alarm.Category);
            writer.Write(alarm.EscalationLevel);
            writer.Write(alarm.News2Score ?? -1);
            WriteOptional(writer, alarm.AcknowledgedBy);
            writer.Write(alarm.RaisedAtUnixNanoseconds);
            writer.Write(alarm.UnacknowledgedSinceUnixNanoseconds);
            writer.Write(alarm.AcknowledgedAtUnixNanoseconds ?? -1);
            writer.Write(alarm.ConditionPresent);
        }
    }

    /// <summary>Reads a history written by <see cref="WriteTo"/>.</summary>
    /// <exception cref="InvalidDataException">A count is out of range.</exception>
    /// <exception cref="EndOfStreamException">The snapshot ends early.</exception>
    public static AlarmHistory ReadFrom(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var history = new AlarmHistory { LastAlarmId = reader.ReadInt64() };
        var devices = Count(reader);
        for (var i = 0; i < devices; i++)
        {
            history._lastFrames[reader.ReadString()] = reader.ReadInt64();
        }

        var alarms = Count(reader);
        for (var i = 0; i < alarms; i++)
        {
            var alarm = new JournaledAlarm(
                reader.ReadInt64(), reader.ReadString(), ReadOptional(reader), ReadOptional(reader), ReadOptional(reader),
                reader.ReadByte(), reader.ReadByte(), reader.ReadInt32(), reader.ReadInt32() is var score and >= 0 ? score : null,
                ReadOptional(reader), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64() is var acknowledgedAt and >= 0 ? acknowledgedAt : null,
                reader.ReadBoolean());
            history._active[alarm.AlarmId] = alarm;
        }

        return history;
    }

    private static JournaledAlarm From(AlarmEventEntry entry, long raisedAt, long unacknowledgedSince, long? acknowledgedAt, bool conditionPresent) =>
        new(entry.AlarmId, entry.ConditionKey, entry.Ward, entry.Bed, entry.DeviceId, entry.Priority, entry.Category, entry.EscalationLevel,
            entry.News2Score, entry.AcknowledgedBy, raisedAt, unacknowledgedSince, acknowledgedAt, conditionPresent);

    private static int Count(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        return count is >= 0 and <= MaxSnapshotItems ? count : throw new InvalidDataException($"The snapshot's alarm history holds a count of {count}.");
    }

    private static void WriteOptional(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static string? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}

/// <summary>An alarm active according to the journal: its last event's record and the times of its lifecycle steps.</summary>
/// <param name="AlarmId">The alarm's id.</param>
/// <param name="ConditionKey">The condition key as journaled.</param>
/// <param name="Ward">The ward; null for a gateway-wide alarm.</param>
/// <param name="Bed">The bed; null for a gateway-wide alarm.</param>
/// <param name="DeviceId">The device, if the alarm names one.</param>
/// <param name="Priority">1 low, 2 medium, 3 high.</param>
/// <param name="Category">1 physiological, 2 technical, 3 security.</param>
/// <param name="EscalationLevel">The escalation level reached.</param>
/// <param name="News2Score">The NEWS2 score of the last event, if any.</param>
/// <param name="AcknowledgedBy">Who acknowledged it at its current priority; null while unacknowledged.</param>
/// <param name="RaisedAtUnixNanoseconds">When it was raised.</param>
/// <param name="UnacknowledgedSinceUnixNanoseconds">The escalation clock.</param>
/// <param name="AcknowledgedAtUnixNanoseconds">When it was acknowledged; null while unacknowledged.</param>
/// <param name="ConditionPresent">False once the condition cleared while the alarm latches (and always for security alarms).</param>
internal sealed record JournaledAlarm(
    long AlarmId, string ConditionKey, string? Ward, string? Bed, string? DeviceId, byte Priority, byte Category, int EscalationLevel,
    int? News2Score, string? AcknowledgedBy, long RaisedAtUnixNanoseconds, long UnacknowledgedSinceUnixNanoseconds,
    long? AcknowledgedAtUnixNanoseconds, bool ConditionPresent);
