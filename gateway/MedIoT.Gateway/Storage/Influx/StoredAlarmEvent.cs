namespace MedIoT.Gateway.Storage.Influx;

/// <summary>One alarm event of a bed's history, as the <c>alarms</c> measurement holds it (<see cref="AlarmPoints"/>).</summary>
internal sealed record StoredAlarmEvent(
    long UnixMilliseconds, long AlarmId, string Kind, string Priority, string Category, string Condition, string? AcknowledgedBy, int? News2Score);
