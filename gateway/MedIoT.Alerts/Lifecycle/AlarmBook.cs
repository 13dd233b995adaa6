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

    /// <summary>The highest alarm id handed out (or restored): the next alarm gets the one after it.</summary>
    public long LastAlarmId => _lastId;

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
    /// A momentary event (security): raises an alarm that stays until acknowledged, standing for
    /// <paramref name="occurrences"/> events (counted up to <see cref="int.MaxValue"/>); a repeat while it is active is
    /// counted on it, not announced. The alarm belongs to no bed and names the condition's subject (the claimed device).
    /// </summary>
    public void Occurred(AlarmCondition condition, AlarmPriority priority, long occurrences, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (_byCondition.TryGetValue((null, condition), out var alarm))
        {
            alarm.Occurrences = alarm.Occurrences == int.MaxValue ? int.MaxValue : alarm.Occurrences + 1;
            return;
        }

        alarm = new ActiveAlarm(++_lastId, null, condition, condition.Subject, priority, now)
        {
            ConditionPresent = false,
            Occurrences = (int)Math.Min(occurrences, int.MaxValue),
        };
        _byCondition.Add((null, condition), alarm);
        _byId.Add(alarm.AlarmId, alarm);
        events.Add(new AlarmEvent(AlarmEventKind.Raised, now, alarm.Snapshot()));
    }

    /// <summary>
    /// Starts the book from the alarms active before a restart (<see cref="AlarmEngine.Restore"/>): new alarms are numbered
    /// after <paramref name="lastAlarmId"/>. Of two restored alarms of one place and condition (the journal lost the
    /// older one's end) the newer is kept and the older resolved now. Security alarms are restored without a bed (they
    /// never belong to one). Returns the alarms kept.
    /// </summary>
    /// <exception cref="ArgumentException">An id is below 1, above <paramref name="lastAlarmId"/> or given twice, or a bed, kind or priority is invalid.</exception>
    public List<Alarm> Restore(long lastAlarmId, IReadOnlyList<RestoredAlarm> alarms, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (_lastId != 0 || _byId.Count != 0)
        {
            throw new InvalidOperationException("The alarm book can only be restored before it holds any alarm.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(lastAlarmId);
        var ids = new HashSet<long>();
        foreach (var restored in alarms)
        {
            var alarm = restored.Alarm ?? throw new ArgumentException("A restored alarm is null.", nameof(alarms));
            if (alarm.AlarmId < 1 || alarm.AlarmId > lastAlarmId || !ids.Add(alarm.AlarmId))
            {
                throw new ArgumentException($"Restored alarm id {alarm.AlarmId} is below 1, above the last alarm id {lastAlarmId} or given twice.", nameof(alarms));
            }

            if (alarm.Bed is { IsValid: false } || !Enum.IsDefined(alarm.Priority) || !Enum.IsDefined(alarm.Condition.Kind) || alarm.EscalationLevel < 0)
            {
                throw new ArgumentException($"Restored alarm {alarm.AlarmId} has an invalid bed, condition, priority or escalation level.", nameof(alarms));
            }
        }

        _lastId = lastAlarmId;
        var kept = new List<Alarm>();
        foreach (var restored in alarms.OrderByDescending(restored => restored.Alarm.AlarmId))
        {
            var alarm = restored.Alarm.Category == AlarmCategory.Security
                ? restored.Alarm with { Bed = null, ConditionPresent = false }
                : restored.Alarm;
            if (_byCondition.ContainsKey((alarm.Bed, alarm.Condition)))
            {
                events.Add(new AlarmEvent(AlarmEventKind.Resolved, now, alarm with { ConditionPresent = false }));
                continue;
            }

            var active = new ActiveAlarm(alarm.AlarmId, alarm.Bed, alarm.Condition, alarm.DeviceId, alarm.Priority, alarm.RaisedAt)
            {
                ConditionPresent = alarm.ConditionPresent,
                AcknowledgedBy = alarm.AcknowledgedBy,
                AcknowledgedAt = alarm.AcknowledgedBy is null ? null : alarm.AcknowledgedAt ?? now,
                // A clock set back between runs must not put escalation off.
                UnacknowledgedSince = restored.UnacknowledgedSince <= now ? restored.UnacknowledgedSince : now,
                EscalationLevel = alarm.EscalationLevel,
                News2Score = alarm.News2Score,
                Occurrences = Math.Max(1, alarm.Occurrences),
            };
            _byCondition.Add((alarm.Bed, alarm.Condition), active);
            _byId.Add(active.AlarmId, active);
            kept.Add(active.Snapshot());
        }

        kept.Reverse();
        return kept;
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
        if (!alarm.ConditionPresent || alarm.Condition.EndsWhenAcknowledged)
        {
            alarm.ConditionPresent = false;
            Remove(alarm);
            events.Add(new AlarmEvent(AlarmEventKind.Resolved, now, alarm.Snapshot()));
        }

        return AlarmInputRejection.None;
    }

    /// <summary>Resolves the place's alarm of <paramref name="condition"/> now, latched or not (a staff action ended it); nothing when none is active.</summary>
    public void Resolve(BedLocation? bed, AlarmCondition condition, DateTimeOffset now, List<AlarmEvent> events)
    {
        if (_byCondition.TryGetValue((bed, condition), out var alarm))
        {
            Remove(alarm);
            alarm.ConditionPresent = false;
            events.Add(new AlarmEvent(AlarmEventKind.Resolved, now, alarm.Snapshot()));
        }
    }

    /// <summary>Resolves every alarm of <paramref name="category"/> at <paramref name="bed"/> at once, latched or not.</summary>
    public void ResolveAll(BedLocation bed, AlarmCategory category, DateTimeOffset now, List<AlarmEvent> events)
    {
        foreach (var alarm in _byId.Values.Where(alarm => alarm.Bed == bed && alarm.Condition.Category == category).ToList())
        {
            Resolve(alarm.Bed, alarm.Condition, now, events);
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
    }

    // Unacknowledged high-priority alarms latch (IEC 60601-1-8): they neither clear nor lose priority on their own.
    private bool Latches(ActiveAlarm alarm) =>
        rules.LatchHighPriority && alarm.Priority == AlarmPriority.High && alarm.AcknowledgedBy is null;
}
