using MedIoT.Alerts.News2;

namespace MedIoT.Alerts.Staff;

/// <summary>
/// A clinician set the NEWS2 SpO2 scale for the patient (scale 2 only for documented hypercapnic respiratory
/// failure). It stays until changed; it does not go stale.
/// </summary>
/// <param name="Bed">The patient's bed.</param>
/// <param name="Scale">The scale.</param>
/// <param name="StaffId">Who set it.</param>
public sealed record OxygenSaturationScaleSet(BedLocation Bed, OxygenSaturationScale Scale, StaffId StaffId) : AlarmInput
{
    /// <inheritdoc />
    public override string ToString() => $"SpO2 scale set for {Bed} by {StaffId}";
}
