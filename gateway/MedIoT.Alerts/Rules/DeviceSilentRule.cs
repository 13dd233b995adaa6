namespace MedIoT.Alerts.Rules;

/// <summary>A device that has sent nothing (no reading, no status) for longer than <see cref="After"/> is silent.</summary>
/// <param name="After">The silence that alarms, 1–3600 s.</param>
/// <param name="Priority">The technical alarm's priority.</param>
/// <param name="Source">Where the default comes from.</param>
public sealed record DeviceSilentRule(TimeSpan After, AlarmPriority Priority, string Source);
