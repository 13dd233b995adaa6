namespace MedIoT.Gateway.Audit;

/// <summary>One point of the InfluxDB measurement <c>alarms</c> as read back (README, "Stored data"): its tags, time and fields.</summary>
internal sealed record StoredAlarmPoint(
    IReadOnlyDictionary<string, string?> Tags,
    long TimeUnixNanoseconds,
    long? AlarmId,
    long? Escalation,
    long? JournalIndex,
    long? News2,
    string? Device,
    string? AcknowledgedBy)
{
    /// <summary>A tag's value, or null.</summary>
    public string? Tag(string name) => Tags.GetValueOrDefault(name);
}
