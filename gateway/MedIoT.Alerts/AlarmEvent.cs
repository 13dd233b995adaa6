namespace MedIoT.Alerts;

/// <summary>Something that happened to an alarm, with the alarm as it stands afterwards.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="At">When (gateway clock).</param>
/// <param name="Alarm">The alarm after the change.</param>
public sealed record AlarmEvent(AlarmEventKind Kind, DateTimeOffset At, Alarm Alarm)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Alarm}";
}
