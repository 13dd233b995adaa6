namespace MedIoT.Alerts.Rules;

/// <summary>
/// Security alarms go to the IT channel. Each (reason, device) is one alarm that stays until IT acknowledges it;
/// repeats while it is active are counted, not re-announced.
/// </summary>
/// <param name="Priority">The priority of security alarms.</param>
/// <param name="Source">Where the default comes from.</param>
public sealed record SecurityRules(AlarmPriority Priority, string Source);
