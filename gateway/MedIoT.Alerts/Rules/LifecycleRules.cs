namespace MedIoT.Alerts.Rules;

/// <summary>Latching and escalation.</summary>
/// <param name="LatchHighPriority">
/// Whether high-priority alarms latch: they stay active (and keep high priority) after their condition
/// clears or improves, until someone acknowledges them (IEC 60601-1-8 latching alarm).
/// </param>
/// <param name="Escalation">
/// Per category and priority, the times after which an unacknowledged alarm escalates to recipient level 1, 2, …
/// (ascending; an empty list never escalates). Missing entries never escalate.
/// </param>
/// <param name="Source">Where the defaults come from.</param>
public sealed record LifecycleRules(
    bool LatchHighPriority,
    IReadOnlyDictionary<(AlarmCategory Category, AlarmPriority Priority), IReadOnlyList<TimeSpan>> Escalation,
    string Source)
{
    /// <summary>The escalation steps for an alarm of <paramref name="category"/> at <paramref name="priority"/>.</summary>
    public IReadOnlyList<TimeSpan> EscalationSteps(AlarmCategory category, AlarmPriority priority) =>
        Escalation.TryGetValue((category, priority), out var steps) ? steps : [];
}
