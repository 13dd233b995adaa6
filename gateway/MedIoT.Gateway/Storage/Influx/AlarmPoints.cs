using System.Buffers;
using MedIoT.Ledger.Entries;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// The InfluxDB schema of alarm events (README, "Stored data"): one point per journaled alarm event in the measurement
/// <c>alarms</c> with tags <c>ward</c>, <c>bed</c> (both <c>gateway</c> for a gateway-wide alarm), <c>condition</c> (the
/// condition key), <c>priority</c> (low, medium, high), <c>category</c> (physiological, technical, security),
/// <c>channel</c> (care-team, it), <c>kind</c> (raised, updated, escalated, acknowledged, latched, resolved) and fields
/// <c>alarm_id</c>, <c>escalation</c>, <c>journal</c> (integers), <c>news2</c> (integer, only for NEWS2 alarms),
/// <c>device</c> and <c>acknowledged_by</c> (strings, when known); the timestamp is the event time in nanoseconds. An alarm
/// event carries no patient value. Two events of one alarm at the same nanosecond differ by their kind tag.
/// </summary>
internal static class AlarmPoints
{
    /// <summary>The measurement.</summary>
    public const string Measurement = "alarms";

    /// <summary>Appends the point of one alarm event entry; returns 1.</summary>
    public static int Write(IBufferWriter<byte> output, AlarmEventEntry entry, long journalIndex)
    {
        LineProtocol.WriteMeasurement(output, Measurement);
        LineProtocol.WriteTag(output, "bed", entry.Bed ?? "gateway");
        LineProtocol.WriteTag(output, "category", CategoryName(entry.Category));
        LineProtocol.WriteTag(output, "channel", ChannelName(entry.Category));
        LineProtocol.WriteTag(output, "condition", entry.ConditionKey);
        LineProtocol.WriteTag(output, "kind", KindName(entry.EventKind));
        LineProtocol.WriteTag(output, "priority", PriorityName(entry.Priority));
        LineProtocol.WriteTag(output, "ward", entry.Ward ?? "gateway");
        LineProtocol.WriteIntegerField(output, "alarm_id", entry.AlarmId, first: true);
        LineProtocol.WriteIntegerField(output, "escalation", entry.EscalationLevel, first: false);
        LineProtocol.WriteIntegerField(output, "journal", journalIndex, first: false);
        if (entry.News2Score is { } score)
        {
            LineProtocol.WriteIntegerField(output, "news2", score, first: false);
        }

        if (entry.DeviceId is { } device)
        {
            LineProtocol.WriteStringField(output, "device", device, first: false);
        }

        if (entry.AcknowledgedBy is { } staff)
        {
            LineProtocol.WriteStringField(output, "acknowledged_by", staff, first: false);
        }

        LineProtocol.WriteTimestampAndEndLine(output, entry.EventUnixNanoseconds);
        return 1;
    }

    /// <summary>The <c>kind</c> tag of an entry's event kind (docs/ledger-entry-format.md, version 2).</summary>
    public static string KindName(byte eventKind) => eventKind switch
    {
        1 => "raised",
        2 => "updated",
        3 => "escalated",
        4 => "acknowledged",
        5 => "latched",
        _ => "resolved",
    };

    /// <summary>The <c>priority</c> tag.</summary>
    public static string PriorityName(byte priority) => priority switch { 1 => "low", 2 => "medium", _ => "high" };

    /// <summary>The <c>category</c> tag.</summary>
    public static string CategoryName(byte category) => category switch { 1 => "physiological", 2 => "technical", _ => "security" };

    /// <summary>The <c>channel</c> tag.</summary>
    public static string ChannelName(byte category) => category == 3 ? "it" : "care-team";
}
