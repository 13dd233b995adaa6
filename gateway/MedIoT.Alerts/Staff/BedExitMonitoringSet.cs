namespace MedIoT.Alerts.Staff;

/// <summary>
/// A staff member armed or disarmed bed-exit monitoring for a bed (docs/alerts.md §1, "Bed exit"). Arming starts learning
/// the patient's settled weight from the bed's body weight readings; disarming forgets it and resolves an active
/// <em>bed exit</em> alarm (the nurse is there). Arming a bed already armed changes nothing.
/// </summary>
/// <param name="Bed">The bed.</param>
/// <param name="Armed">True to arm, false to disarm.</param>
/// <param name="StaffId">Who armed or disarmed it (authenticated by the HTTP API).</param>
/// <param name="At">When (gateway clock).</param>
public sealed record BedExitMonitoringSet(BedLocation Bed, bool Armed, StaffId StaffId, DateTimeOffset At) : AlarmInput;
