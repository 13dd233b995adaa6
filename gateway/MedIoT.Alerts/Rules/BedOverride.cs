namespace MedIoT.Alerts.Rules;

/// <summary>
/// Rules for one bed that replace the ward defaults: each vital listed here replaces the whole default rule for
/// its code at this bed (for example lower SpO2 limits for a patient on NEWS2 scale 2).
/// </summary>
/// <param name="Bed">The bed.</param>
/// <param name="Vitals">The replacement rules, at most one per code.</param>
/// <param name="Reason">Why (for reviewers), required.</param>
public sealed record BedOverride(BedLocation Bed, IReadOnlyList<VitalRule> Vitals, string Reason);
