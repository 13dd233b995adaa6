namespace MedIoT.Alerts.Rules;

/// <summary>
/// Security alarms go to the IT channel. Each (reason, claimed device) is one alarm that stays until IT acknowledges it;
/// repeats while it is active are counted, not re-announced. At most one alarm is raised per (reason, claimed device) per
/// <see cref="RepeatInterval"/>: repeats inside it are counted and summarised in an alarm raised when it ends.
/// </summary>
/// <param name="Priority">The priority of security alarms.</param>
/// <param name="RepeatInterval">The least time between two alarms of one (reason, claimed device), 1–86400 s.</param>
/// <param name="Source">Where the default comes from.</param>
public sealed record SecurityRules(AlarmPriority Priority, TimeSpan RepeatInterval, string Source)
{
    /// <summary>The repeat interval when the rules file gives none (<c>security.repeatIntervalSeconds</c>): 5 minutes.</summary>
    public static readonly TimeSpan DefaultRepeatInterval = TimeSpan.FromMinutes(5);

    /// <summary>The longest repeat interval the rules file may set, in seconds (a day).</summary>
    public const int MaxRepeatIntervalSeconds = 86_400;
}
