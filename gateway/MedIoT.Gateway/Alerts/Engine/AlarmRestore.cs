using MedIoT.Alerts;
using MedIoT.Alerts.Lifecycle;
using MedIoT.Alerts.Technical;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Journal;

namespace MedIoT.Gateway.Alerts.Engine;

/// <summary>
/// Turns what the journal holds (<see cref="AlarmHistory"/>) and the device registry into the engine's
/// <see cref="RestoreSnapshot"/> (docs/alerts.md §9): every active alarm as its events left it, and every registered
/// device that is not revoked, watched from its last journaled frame or, without one, from the start.
/// </summary>
internal static class AlarmRestore
{
    /// <summary>
    /// The snapshot at <paramref name="now"/>; new alarms are numbered after <paramref name="lastAlarmId"/>. A journaled
    /// alarm that cannot be read back (a condition key or place cut or replaced when it was journaled, a category that
    /// does not match its condition) is left out and returned in <paramref name="unreadable"/>.
    /// </summary>
    public static RestoreSnapshot Create(AlarmHistory history, long lastAlarmId, DeviceRegistry registry, DateTimeOffset now, out IReadOnlyList<JournaledAlarm> unreadable)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(registry);
        var alarms = new List<RestoredAlarm>();
        var skipped = new List<JournaledAlarm>();
        foreach (var journaled in history.ActiveAlarms.OrderBy(alarm => alarm.AlarmId))
        {
            if (TryRead(journaled, out var restored))
            {
                alarms.Add(restored);
            }
            else
            {
                skipped.Add(journaled);
            }
        }

        var devices = registry.Devices
            .Where(device => !device.Revoked)
            .OrderBy(device => device.DeviceId, StringComparer.Ordinal)
            .Select(device => new WatchedDevice(device.DeviceId, device.Location,
                history.LastFrameTimes.TryGetValue(device.DeviceId, out var received) ? Time(received) : now))
            .ToList();
        unreadable = skipped;
        return new RestoreSnapshot(Math.Max(lastAlarmId, history.LastAlarmId), alarms, devices);
    }

    private static bool TryRead(JournaledAlarm journaled, out RestoredAlarm restored)
    {
        restored = null!;
        if (!AlarmCondition.TryParse(journaled.ConditionKey, out var condition) || (byte)condition.Category != journaled.Category
            || journaled.Priority is < 1 or > 3 || journaled.AlarmId < 1)
        {
            return false;
        }

        BedLocation? bed = null;
        if (condition.Category != AlarmCategory.Security && journaled.Ward is not null)
        {
            if (!BedLocation.TryCreate(journaled.Ward, journaled.Bed, out var place))
            {
                return false;
            }

            bed = place;
        }

        var alarm = new Alarm(
            journaled.AlarmId, condition, bed, journaled.DeviceId, (AlarmPriority)journaled.Priority, Time(journaled.RaisedAtUnixNanoseconds),
            journaled.ConditionPresent, journaled.AcknowledgedBy,
            journaled.AcknowledgedBy is null ? null : Time(journaled.AcknowledgedAtUnixNanoseconds ?? journaled.RaisedAtUnixNanoseconds),
            journaled.EscalationLevel, journaled.News2Score, Occurrences: 1);
        restored = new RestoredAlarm(alarm, Time(journaled.UnacknowledgedSinceUnixNanoseconds));
        return true;
    }

    private static DateTimeOffset Time(long unixNanoseconds) => DateTimeOffset.UnixEpoch.AddTicks(unixNanoseconds / 100);
}
