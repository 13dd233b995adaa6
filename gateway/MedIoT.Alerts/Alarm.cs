using System.Globalization;

namespace MedIoT.Alerts;

/// <summary>
/// One alarm as it stands at a moment (an immutable snapshot). <see cref="ToString"/> names the alarm, its
/// place and condition but never a patient value or score.
/// </summary>
/// <param name="AlarmId">Unique per engine, increasing from 1 in the order alarms are raised.</param>
/// <param name="Condition">What the alarm is about.</param>
/// <param name="Bed">The bed; null for gateway-wide conditions (backlog, an unplaced serial port or unknown device).</param>
/// <param name="DeviceId">The device the condition concerns, when there is one.</param>
/// <param name="Priority">The current priority.</param>
/// <param name="RaisedAt">When the alarm was raised (gateway clock).</param>
/// <param name="ConditionPresent">False once the condition cleared while the alarm latches until acknowledged.</param>
/// <param name="AcknowledgedBy">The staff member who acknowledged it; null while unacknowledged.</param>
/// <param name="AcknowledgedAt">When it was acknowledged; null while unacknowledged.</param>
/// <param name="EscalationLevel">0 for the first recipient; 1, 2, … after each escalation step.</param>
/// <param name="News2Score">The bed's NEWS2 aggregate (from fresh values) for physiological alarms; null otherwise or when nothing is fresh.</param>
/// <param name="Occurrences">How many times the condition was reported while this alarm was active (security events repeat).</param>
public sealed record Alarm(
    long AlarmId,
    AlarmCondition Condition,
    BedLocation? Bed,
    string? DeviceId,
    AlarmPriority Priority,
    DateTimeOffset RaisedAt,
    bool ConditionPresent,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    int EscalationLevel,
    int? News2Score,
    int Occurrences)
{
    /// <summary>Physiological, technical or security.</summary>
    public AlarmCategory Category => Condition.Category;

    /// <summary>Care team for physiological and technical alarms; IT for security alarms.</summary>
    public AlarmChannel Channel => Category == AlarmCategory.Security ? AlarmChannel.InformationTechnology : AlarmChannel.CareTeam;

    /// <summary>Whether someone acknowledged the alarm at its current priority.</summary>
    public bool IsAcknowledged => AcknowledgedBy is not null;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"alarm {AlarmId} {Category} {Priority} {Condition.Key} at {(Bed is { } bed ? bed.ToString() : "gateway")}");
}
