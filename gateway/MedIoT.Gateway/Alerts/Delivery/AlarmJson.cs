using System.Buffers;
using System.Globalization;
using System.Text.Json;
using MedIoT.Alerts;

namespace MedIoT.Gateway.Alerts.Delivery;

/// <summary>
/// The JSON documents alarms are delivered as (docs/alerts.md §6): an alarm event, and the current state of a bed
/// (its active alarms). They carry the condition, priority, lifecycle and the bed's NEWS2 score, never the vital
/// value that triggered a limit alarm (docs/alerts.md explains why).
/// </summary>
public static class AlarmJson
{
    /// <summary>The schema name of an alarm event document.</summary>
    public const string EventSchema = "mediot.alarm-event/1";

    /// <summary>The schema name of a bed (or IT channel) state document.</summary>
    public const string StateSchema = "mediot.alarm-state/1";

    /// <summary>Writes one alarm event; the stations' copy also says when it was handed to delivery (<paramref name="publishedAt"/>).</summary>
    public static byte[] Event(AlarmEvent alarmEvent, string gatewayId, AlertOptions options, string? deliveryId = null, DateTimeOffset? publishedAt = null)
    {
        ArgumentNullException.ThrowIfNull(alarmEvent);
        ArgumentNullException.ThrowIfNull(options);
        var buffer = new ArrayBufferWriter<byte>(768);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("schema", EventSchema);
            if (deliveryId is not null)
            {
                writer.WriteString("deliveryId", deliveryId);
            }

            writer.WriteString("gatewayId", gatewayId);
            writer.WriteString("event", Name(alarmEvent.Kind));
            writer.WriteString("at", Time(alarmEvent.At));
            writer.WritePropertyName("alarm");
            WriteAlarm(writer, alarmEvent.Alarm, options);
            if (publishedAt is { } published)
            {
                writer.WriteString("publishedAt", Time(published));
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the state of one place: <paramref name="alarms"/> are its active alarms (empty when none).</summary>
    public static byte[] State(BedLocation? bed, IEnumerable<Alarm> alarms, DateTimeOffset at, string gatewayId, AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(alarms);
        ArgumentNullException.ThrowIfNull(options);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("schema", StateSchema);
            writer.WriteString("gatewayId", gatewayId);
            if (bed is { } place)
            {
                writer.WriteString("ward", place.Ward.ToString());
                writer.WriteString("bed", place.Bed.ToString());
            }

            writer.WriteString("at", Time(at));
            writer.WriteStartArray("alarms");
            foreach (var alarm in alarms)
            {
                WriteAlarm(writer, alarm, options);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes one alarm as a JSON object (also used by the HTTP API).</summary>
    public static void WriteAlarm(Utf8JsonWriter writer, Alarm alarm, AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(alarm);
        ArgumentNullException.ThrowIfNull(options);
        writer.WriteStartObject();
        writer.WriteNumber("id", alarm.AlarmId);
        writer.WriteString("condition", alarm.Condition.Key);
        writer.WriteString("kind", alarm.Condition.Kind.ToString());
        if (alarm.Condition.MdcCode != 0)
        {
            writer.WriteNumber("mdcCode", alarm.Condition.MdcCode);
        }

        writer.WriteString("category", alarm.Category.ToString().ToLowerInvariant());
        writer.WriteString("priority", alarm.Priority.ToString().ToLowerInvariant());
        writer.WriteString("channel", alarm.Channel == AlarmChannel.CareTeam ? "care-team" : "it");
        if (alarm.Bed is { } bed)
        {
            writer.WriteString("ward", bed.Ward.ToString());
            writer.WriteString("bed", bed.Bed.ToString());
        }
        else
        {
            writer.WriteNull("ward");
            writer.WriteNull("bed");
        }

        // A security alarm's device is only what a refused frame claimed (anyone can claim any id): it is named as a claim,
        // never as the alarm's device, so no consumer attaches it to that device or its bed (docs/alerts.md §6).
        var claim = alarm.Category == AlarmCategory.Security;
        WriteNullableString(writer, "deviceId", claim ? null : alarm.DeviceId);
        WriteNullableString(writer, "claimedDeviceId", claim ? alarm.DeviceId : null);
        writer.WriteString("raisedAt", Time(alarm.RaisedAt));
        writer.WriteBoolean("conditionPresent", alarm.ConditionPresent);
        writer.WriteBoolean("acknowledged", alarm.IsAcknowledged);
        WriteNullableString(writer, "acknowledgedBy", alarm.AcknowledgedBy);
        WriteNullableString(writer, "acknowledgedAt", alarm.AcknowledgedAt is { } at ? Time(at) : null);
        writer.WriteNumber("escalationLevel", alarm.EscalationLevel);
        writer.WriteString("recipient", options.RecipientAt(alarm.EscalationLevel));
        if (alarm.News2Score is { } score)
        {
            writer.WriteNumber("news2Score", score);
        }
        else
        {
            writer.WriteNull("news2Score");
        }

        writer.WriteNumber("occurrences", alarm.Occurrences);
        writer.WriteEndObject();
    }

    /// <summary>The lower-case name of an event kind, as in payloads (<c>raised</c>, <c>acknowledged</c>, …).</summary>
    public static string Name(AlarmEventKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>A timestamp as RFC 3339 UTC with milliseconds.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteNullableString(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
