namespace MedIoT.Alerts.Rules;

/// <summary>
/// Technical alarms for the gateway's own backlog (frames verified but not yet durable), as a fraction of its
/// capacity. A level is reached at <see cref="BacklogLevel.AtFraction"/> and left below that fraction minus
/// <see cref="ClearHysteresis"/>.
/// </summary>
/// <param name="Levels">Ascending fractions, each with a priority that is not lower than the one before.</param>
/// <param name="ClearHysteresis">0 ≤ hysteresis &lt; the lowest fraction.</param>
/// <param name="Source">Where the default comes from.</param>
public sealed record BacklogRule(IReadOnlyList<BacklogLevel> Levels, double ClearHysteresis, string Source);

/// <summary>One backlog level.</summary>
/// <param name="AtFraction">The fraction of capacity, 0 &lt; fraction ≤ 1.</param>
/// <param name="Priority">The priority at this level.</param>
public sealed record BacklogLevel(double AtFraction, AlarmPriority Priority);
