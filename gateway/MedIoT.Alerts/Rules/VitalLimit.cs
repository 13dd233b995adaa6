namespace MedIoT.Alerts.Rules;

/// <summary>
/// One alarm limit of a vital sign. The condition starts with the first sample past the limit and is
/// confirmed by a sample still past it <see cref="Persistence"/> later (so a single-sample artifact never
/// alarms when a persistence delay applies). Once confirmed it clears only when a sample is back by at
/// least <see cref="Hysteresis"/> inside the limit.
/// </summary>
/// <param name="Direction">Below (lower limit) or above (upper limit).</param>
/// <param name="Threshold">The limit in the vital's UCUM unit; "below 92" is violated by 91.9, not by 92.</param>
/// <param name="Priority">The alarm priority while this limit is violated.</param>
/// <param name="Persistence">How long the condition must hold before it alarms, 0–3600 s.</param>
/// <param name="Hysteresis">How far back inside the limit a value must come to clear the condition, ≥ 0, in the vital's unit.</param>
/// <param name="Source">Where the default comes from (cited in the rules file and docs/alerts.md).</param>
public sealed record VitalLimit(LimitDirection Direction, double Threshold, AlarmPriority Priority, TimeSpan Persistence, double Hysteresis, string Source)
{
    /// <summary>Whether <paramref name="value"/> is past the limit.</summary>
    public bool IsViolatedBy(double value) => Direction == LimitDirection.Below ? value < Threshold : value > Threshold;

    /// <summary>Whether <paramref name="value"/> is far enough back inside the limit to clear a confirmed condition.</summary>
    public bool IsClearedBy(double value) =>
        Direction == LimitDirection.Below ? value >= Threshold + Hysteresis : value <= Threshold - Hysteresis;
}
