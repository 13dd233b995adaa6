namespace MedIoT.Alerts.Staff;

/// <summary>A staff member recorded whether the patient breathes air or receives supplemental oxygen. <see cref="ToString"/> leaves the answer out.</summary>
/// <param name="Bed">The patient's bed.</param>
/// <param name="OnOxygen">True for supplemental oxygen, false for air.</param>
/// <param name="StaffId">Who recorded it.</param>
/// <param name="ObservedAt">When it was observed.</param>
public sealed record SupplementalOxygenRecorded(BedLocation Bed, bool OnOxygen, StaffId StaffId, DateTimeOffset ObservedAt) : AlarmInput
{
    /// <inheritdoc />
    public override string ToString() => $"air or oxygen recorded for {Bed} by {StaffId}";
}
