using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Rules;

/// <summary>A technical alarm for one status flag a device reports, once it has been reported for <see cref="Persistence"/>.</summary>
/// <param name="Status">One <see cref="DeviceStatus"/> flag.</param>
/// <param name="Priority">The technical alarm's priority.</param>
/// <param name="Persistence">How long the flag must be reported before it alarms, 0–3600 s.</param>
/// <param name="InvalidatesReadings">
/// Whether readings from the device are ignored for physiological alarms and NEWS2 while it reports the flag
/// (a probe off the finger measures nothing about the patient).
/// </param>
/// <param name="Source">Where the default comes from.</param>
public sealed record DeviceStatusRule(DeviceStatus Status, AlarmPriority Priority, TimeSpan Persistence, bool InvalidatesReadings, string Source);
