using MedIoT.Alerts;
using MedIoT.Alerts.News2;

namespace MedIoT.Gateway.Station;

/// <summary>What the alarm engine held at one moment: its active alarms and each registered bed's NEWS2.</summary>
/// <param name="At">The alert clock's time of the answer.</param>
/// <param name="Alarms">Every active alarm, oldest first.</param>
/// <param name="News2">Each registered bed's NEWS2 (null: nothing fresh known).</param>
internal sealed record WardState(DateTimeOffset At, IReadOnlyList<Alarm> Alarms, IReadOnlyDictionary<BedLocation, News2Assessment?> News2);
