using MedIoT.Alerts.Rules;

namespace MedIoT.Alerts.Lifecycle;

/// <summary>
/// The active alarms and their lifecycle: raised → (escalated) → acknowledged → resolved, one alarm per place and
/// condition, high priority latching until acknowledged (IEC 60601-1-8), escalation when nobody acknowledges.
/// Trackers say what each condition calls for; the book decides what that means for the alarm.
/// </summary>
internal sealed class AlarmBook(LifecycleRules rules)
{
    private readonly Dictionary<(BedLocation? Bed, AlarmCondition Condition), ActiveAlarm> _byCondition = [];
    private readonly SortedDictionary<long, ActiveAlarm> _byId = [];
    private long _lastId;

    /// <summary>Active alarms in the security category.</summary>
    public int SecurityCount { get; private set; }

    /// <summary>Whether an alarm is active for the place and condition.</summary>
    public bool IsActive(BedLocation? bed, AlarmCondition condition) => _byCondition.ContainsKey((bed, condition));

    public IEnumerable<Alarm> Snapshot() => _byId.Values.Select(alarm => alarm.Snapshot());

    /// <summary>
    /// Applies what a condition currently calls for: a priority while it holds, null once it cleared.
    /// </summary>
    public void Set(BedLocation? bed, AlarmCondition condition, string? deviceId, AlarmPriority? wanted, int? news2Score, DateTimeOffset now, List<AlarmEvent> events)
    {
        _byCondition.TryGetValue((bed, condition), out var alarm);
        if (alarm is not null && news2Score is not null)
        {
            alarm.News2Score = news2Score;
        }

        if (wanted is not { } priority)
        {
            if (alarm is null || !alarm.ConditionPresent)
            {
                return;
            }

            if (Latches(alarm))
            {
                alarm.ConditionPresent = false;
                events.Add(new AlarmEvent(AlarmEventKind.Latched, now, alarm.Snapshot()));
            }
            else
            {
                Remove(alarm);
                events.Add(new AlarmEvent(AlarmEventKind.Resolved, now, alarm.Snapshot()));
            }

            return;
        }

        if (alarm is null)
        {
            alarm = new ActiveAlarm(++_lastId, bed, condition, deviceId, priority, now) { News2Score = news2Score };
            _byCondition.Add((bed, condition), alarm);
            _byId.Add(alarm.AlarmId, alarm);
            events.Add(new AlarmEvent(AlarmEventKind.Raised, now, alarm.Snapshot()));
            return;
        }

        var returned = !alarm.ConditionPresent;
        alarm.ConditionPresent = true;
        if (priority > alarm.Priority)
        {
            // Worse than what was acknowledged: it needs a person again, and the escalation clock restarts.
            alarm.Priority = priority;
            if (alarm.AcknowledgedBy is not null)
            {
                alarm.AcknowledgedBy = null;
                alarm.AcknowledgedAt = null;
                alarm.UnacknowledgedSince = now;
            }

            events.Add(new AlarmEvent(AlarmEventKind.Updated, now, alarm.Snapshot()));
        }
        else if (priority < alarm.Priority && !Latches(alarm))
        {
            alarm.Priority = priority;
            events.Add(new AlarmEvent(AlarmEventKind.Updated, now, alarm.Snapshot()));
        }
        else if (returned)
        {
            events.Add(new AlarmEvent(AlarmEventKind.Updated, now, alarm.Snapshot()));
        }
    }

    /// <summary>
    /// A momentary event (security): raises an alarm that stays until acknowledged; repeats while it is active are
    /// counted, not announced.
    /// </summary>
    public void Occurred(BedLocation? bed, AlarmCondition condition, string? deviceId, AlarmPriority priority, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (_byCondition.TryGetValue((bed, condition), out var alarm))
        {
            alarm.Occurrences++;
            return;
        }

        alarm = new ActiveAlarm(++_lastId, bed, condition, deviceId, priority, now) { ConditionPresent = false };
        _byCondition.Add((bed, condition), alarm);
        _byId.Add(alarm.AlarmId, alarm);
        SecurityCount += condition.Category == AlarmCategory.Security ? 1 : 0;
        events.Add(new AlarmEvent(AlarmEventKind.Raised, now, alarm.Snapshot()));
    }

    public AlarmInputRejection Acknowledge(long alarmId, StaffId staffId, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (!_byId.TryGetValue(alarmId, out var alarm))
        {
            return AlarmInputRejection.AlarmNotFound;
        }

        if (alarm.AcknowledgedBy is not null)
        {
            return AlarmInputRejection.AlarmAlreadyAcknowledged;
        }

        alarm.AcknowledgedBy = staffId.ToString();
        alarm.AcknowledgedAt = now;
        events.Add(new AlarmEvent(AlarmEventKind.Acknowledged, now, alarm.Snapshot()));
        if (!alarm.ConditionPresent)
        {
            Remove(alarm);
            events.Add(new AlarmEvent(AlarmEventKind.Resolved, now, alarm.Snapshot()));
        }

        return AlarmInputRejection.None;
    }

    /// <summary>Resolves every alarm of <paramref name="category"/> at <paramref name="bed"/> at once, latched or not.</summary>
    public void ResolveAll(BedLocation bed, AlarmCategory category, DateTimeOffset now, List<AlarmEvent> events)
    {
        foreach (var alarm in _byId.Values.Where(alarm => alarm.Bed == bed && alarm.Condition.Category == category).ToList())
        {
            Remove(alarm);
            alarm.ConditionPresent = false;
            events.Add(new AlarmEvent(AlarmEventKind.Resolved, now, alarm.Snapshot()));
        }
    }

    /// <summary>Escalates every unacknowledged alarm whose next step is due, one event per level reached.</summary>
    public void Escalate(DateTimeOffset now, List<AlarmEvent> events)
    {
        foreach (var alarm in _byId.Values)
        {
            if (alarm.AcknowledgedBy is not null)
            {
                continue;
            }

            var steps = rules.EscalationSteps(alarm.Condition.Category, alarm.Priority);
            while (alarm.EscalationLevel < steps.Count && now - alarm.UnacknowledgedSince >= steps[alarm.EscalationLevel])
            {
                alarm.EscalationLevel++;
                events.Add(new AlarmEvent(AlarmEventKind.Escalated, now, alarm.Snapshot()));
            }
        }
    }

    private void Remove(ActiveAlarm alarm)
    {
        _byCondition.Remove((alarm.Bed, alarm.Condition));
        _byId.Remove(alarm.AlarmId);
        SecurityCount -= alarm.Condition.Category == AlarmCategory.Security ? 1 : 0;
    }

    // Unacknowledged high-priority alarms latch (IEC 60601-1-8): they neither clear nor lose priority on their own.
    private bool Latches(ActiveAlarm alarm) =>
        rules.LatchHighPriority && alarm.Priority == AlarmPriority.High && alarm.AcknowledgedBy is null;
}
