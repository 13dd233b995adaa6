namespace MedIoT.Alerts.Rules;

/// <summary>
/// Alarms when a vital changes by at least <see cref="Change"/> within <see cref="Window"/>: falling means the
/// highest value in the window minus the newest is at least the change; rising, the newest minus the lowest.
/// Like a limit, the condition must be confirmed by a sample <see cref="Persistence"/> after the first one that
/// showed it (so a single-sample artifact does not alarm); it clears with the first sample for which it no longer holds.
/// </summary>
/// <param name="Direction">Falling or rising.</param>
/// <param name="Change">The change that alarms, &gt; 0, in the vital's unit.</param>
/// <param name="Window">The window, 1–3600 s.</param>
/// <param name="Priority">The alarm priority.</param>
/// <param name="Persistence">How long the change must keep showing before it alarms, 0–3600 s.</param>
/// <param name="Source">Where the default comes from.</param>
public sealed record RateOfChangeRule(TrendDirection Direction, double Change, TimeSpan Window, AlarmPriority Priority, TimeSpan Persistence, string Source);
