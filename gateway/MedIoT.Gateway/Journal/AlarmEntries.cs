using System.Text;
using MedIoT.Alerts;
using MedIoT.Ledger.Entries;

namespace MedIoT.Gateway.Journal;

/// <summary>
/// Turns an <see cref="AlarmEvent"/> into its journal entry (format version 2, docs/ledger-entry-format.md). Text the
/// record's alphabet does not allow (a space in a status key, a long bed name) is written with <c>_</c> in its place and
/// cut to the record's limit, so every alarm event is journaled; no patient value is part of an alarm event.
/// </summary>
internal static class AlarmEntries
{
    public static AlarmEventEntry ToEntry(AlarmEvent alarmEvent)
    {
        var alarm = alarmEvent.Alarm;
        var nanoseconds = Math.Max(0, (alarmEvent.At - DateTimeOffset.UnixEpoch).Ticks * 100);
        return new AlarmEventEntry(nanoseconds, (byte)alarmEvent.Kind, Math.Max(0, alarm.AlarmId), (byte)alarm.Priority, (byte)alarm.Category,
            Math.Clamp(alarm.EscalationLevel, 0, AlarmEventEntry.MaxEscalationLevel),
            alarm.News2Score is { } score ? Math.Clamp(score, 0, AlarmEventEntry.MaxNews2Score) : null,
            Token(alarm.Condition.Key, AlarmEventEntry.MaxConditionKeyLength) is { Length: > 0 } key ? key : "unknown",
            alarm.Bed is { } bed ? Token(bed.Ward.ToString(), AlarmEventEntry.MaxLocationLength) : null,
            alarm.Bed is { } place ? Token(place.Bed.ToString(), AlarmEventEntry.MaxLocationLength) : null,
            alarm.DeviceId is { } device && Protocol.Frames.DeviceFrame.IsValidDeviceId(device) ? device : null,
            alarm.AcknowledgedBy is { } staff ? Text(staff) : null);
    }

    private static string Token(string value, int maximum)
    {
        var builder = new StringBuilder(Math.Min(value.Length, maximum));
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, maximum)))
        {
            builder.Append(c is >= '!' and <= '~' ? c : '_');
        }

        // Ward and bed are both set or both empty in the record: an empty name becomes "_".
        return builder.Length == 0 && value.Length > 0 ? "_" : builder.ToString();
    }

    private static string? Text(string value)
    {
        var builder = new StringBuilder();
        foreach (var rune in value.EnumerateRunes())
        {
            if (Encoding.UTF8.GetByteCount(builder.ToString()) + rune.Utf8SequenceLength > AlarmEventEntry.MaxAcknowledgedByLength)
            {
                break;
            }

            builder.Append(Rune.IsControl(rune) ? "_" : rune.ToString());
        }

        return builder.Length == 0 ? null : builder.ToString();
    }
}
