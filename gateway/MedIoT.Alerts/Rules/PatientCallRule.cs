namespace MedIoT.Alerts.Rules;

/// <summary>The <em>patient call</em> alarm raised by the call button at a bed.</summary>
/// <param name="Priority">The alarm's priority.</param>
/// <param name="Source">Where the default comes from.</param>
public sealed record PatientCallRule(AlarmPriority Priority, string Source);
