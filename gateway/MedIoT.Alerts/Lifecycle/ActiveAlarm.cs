namespace MedIoT.Alerts.Lifecycle;

/// <summary>The mutable state of one active alarm inside <see cref="AlarmBook"/>.</summary>
internal sealed class ActiveAlarm(long alarmId, BedLocation? bed, AlarmCondition condition, string? deviceId, AlarmPriority priority, DateTimeOffset raisedAt)
{
    public long AlarmId { get; } = alarmId;

    public BedLocation? Bed { get; } = bed;

    public AlarmCondition Condition { get; } = condition;

    public string? DeviceId { get; } = deviceId;

    public AlarmPriority Priority { get; set; } = priority;

    public DateTimeOffset RaisedAt { get; } = raisedAt;

    public bool ConditionPresent { get; set; } = true;

    public string? AcknowledgedBy { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    /// <summary>Since when nobody has acknowledged it at its current priority (the escalation clock).</summary>
    public DateTimeOffset UnacknowledgedSince { get; set; } = raisedAt;

    public int EscalationLevel { get; set; }

    public int? News2Score { get; set; }

    public int Occurrences { get; set; } = 1;

    public Alarm Snapshot() => new(AlarmId, Condition, Bed, DeviceId, Priority, RaisedAt, ConditionPresent,
        AcknowledgedBy, AcknowledgedAt, EscalationLevel, News2Score, Occurrences);
}
