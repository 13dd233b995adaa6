namespace MedIoT.Alerts.Rules;

/// <summary>A technical alarm for a sensor wired to the gateway that stays faulty for <see cref="Persistence"/>.</summary>
/// <param name="Priority">The technical alarm's priority.</param>
/// <param name="Persistence">How long the sensor must stay faulty before it alarms, 0–3600 s.</param>
/// <param name="Source">Where the default comes from.</param>
public sealed record SensorFaultRule(AlarmPriority Priority, TimeSpan Persistence, string Source);
