using MedIoT.Alerts.Lifecycle;
using MedIoT.Alerts.Staff;
using MedIoT.Alerts.Technical;

namespace MedIoT.Alerts;

/// <summary>
/// What an engine starts from after a restart (<see cref="AlarmEngine.Restore"/>): the alarms active when it last
/// stopped, the highest alarm id ever handed out, the devices to watch from the start and the beds whose bed-exit
/// monitoring is armed. The caller reads them from
/// durable storage (the gateway: its journal, docs/alerts.md §9); the engine itself does no I/O.
/// </summary>
/// <param name="LastAlarmId">New alarms are numbered after this (never reusing an id), ≥ every restored alarm's id.</param>
/// <param name="Alarms">The alarms to restore, in any order.</param>
/// <param name="Devices">Every device to watch for silence from the start (each at most once).</param>
public sealed record RestoreSnapshot(long LastAlarmId, IReadOnlyList<RestoredAlarm> Alarms, IReadOnlyList<WatchedDevice> Devices)
{
    /// <summary>
    /// The beds whose bed-exit monitoring was armed (<see cref="AlarmEngine.BedExitArmings"/> as the caller persisted it),
    /// each at most once and with <see cref="BedExitMonitoringSet.Armed"/> set; their settled weights are learned afresh.
    /// </summary>
    public IReadOnlyList<BedExitMonitoringSet> BedExitArmed { get; init; } = [];

    /// <summary>Nothing to restore: a first start.</summary>
    public static RestoreSnapshot Empty { get; } = new(0, [], []);
}
