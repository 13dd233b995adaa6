using MedIoT.Alerts.Lifecycle;
using MedIoT.Alerts.Technical;

namespace MedIoT.Alerts;

/// <summary>
/// What an engine starts from after a restart (<see cref="AlarmEngine.Restore"/>): the alarms active when it last
/// stopped, the highest alarm id ever handed out, and the devices to watch from the start. The caller reads them from
/// durable storage (the gateway: its journal, docs/alerts.md §9); the engine itself does no I/O.
/// </summary>
/// <param name="LastAlarmId">New alarms are numbered after this (never reusing an id), ≥ every restored alarm's id.</param>
/// <param name="Alarms">The alarms to restore, in any order.</param>
/// <param name="Devices">Every device to watch for silence from the start (each at most once).</param>
public sealed record RestoreSnapshot(long LastAlarmId, IReadOnlyList<RestoredAlarm> Alarms, IReadOnlyList<WatchedDevice> Devices)
{
    /// <summary>Nothing to restore: a first start.</summary>
    public static RestoreSnapshot Empty { get; } = new(0, [], []);
}
