namespace MedIoT.Alerts.Rules;

/// <summary>
/// When a patient leaving an armed bed raises <em>bed exit</em> (docs/alerts.md §1): the load stays below
/// <see cref="LoadShare"/> × the settled weight for <see cref="Sustain"/>. The settled weight is the mean of the bed's body
/// weight readings once they stayed steady (within <see cref="SteadyBandShare"/> of their mean, at least
/// <see cref="SteadyBandMinimumKilograms"/>) for <see cref="Settle"/>, and only when that mean is at least
/// <see cref="MinimumSettledKilograms"/> (an empty bed is never learned).
/// </summary>
/// <param name="Priority">The alarm's priority.</param>
/// <param name="LoadShare">The share of the settled weight below which the patient counts as out of bed, 0.05–0.95.</param>
/// <param name="Sustain">How long the load must stay below the share, 0–60 s.</param>
/// <param name="Settle">How long the readings must stay steady before a settled weight is learned, 1–600 s.</param>
/// <param name="MinimumSettledKilograms">The least settled weight, 1–400 kg.</param>
/// <param name="Source">Where the defaults come from.</param>
public sealed record BedExitRule(AlarmPriority Priority, double LoadShare, TimeSpan Sustain, TimeSpan Settle, double MinimumSettledKilograms, string Source)
{
    /// <summary>Readings count as steady while each stays within this share of the window's first reading (a patient turning over moves the load little; one sitting up or getting in moves it more).</summary>
    public const double SteadyBandShare = 0.05;

    /// <summary>The steady band is at least this wide, so the scale's own noise (a few hundred grams) never restarts the window.</summary>
    public const double SteadyBandMinimumKilograms = 2;
}
