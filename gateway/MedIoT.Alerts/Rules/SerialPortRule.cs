namespace MedIoT.Alerts.Rules;

/// <summary>A technical alarm for a serial port that stays disconnected for <see cref="Persistence"/>.</summary>
/// <param name="Priority">The technical alarm's priority.</param>
/// <param name="Persistence">How long the port must stay disconnected before it alarms, 0–3600 s.</param>
/// <param name="Source">Where the default comes from.</param>
public sealed record SerialPortRule(AlarmPriority Priority, TimeSpan Persistence, string Source);
