namespace MedIoT.Alerts.Lifecycle;

/// <summary>An alarm that was active when the engine last stopped, as its caller rebuilt it (the gateway: from its journal).</summary>
/// <param name="Alarm">The alarm as its last event left it: id, condition, place, device, priority, raised at, whether the
/// condition was present, acknowledgement, escalation level, NEWS2 score, occurrences.</param>
/// <param name="UnacknowledgedSince">
/// The escalation clock: when the alarm last became unacknowledged at its priority (when it was raised, or when a rise in
/// priority undid an acknowledgement). Escalation steps count from here.
/// </param>
public sealed record RestoredAlarm(Alarm Alarm, DateTimeOffset UnacknowledgedSince);
