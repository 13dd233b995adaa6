namespace MedIoT.Alerts.Staff;

/// <summary>
/// A staff member recorded that the bed's patient left (discharge, transfer, death). Everything the engine held
/// about that patient goes: latest values, consciousness, air or oxygen, the SpO2 scale (a new patient must not
/// inherit scale 2), and the bed's physiological alarms, which resolve. Technical alarms of the bed's devices stay.
/// </summary>
/// <param name="Bed">The bed.</param>
/// <param name="StaffId">Who recorded it.</param>
public sealed record PatientDischarged(BedLocation Bed, StaffId StaffId) : AlarmInput;
