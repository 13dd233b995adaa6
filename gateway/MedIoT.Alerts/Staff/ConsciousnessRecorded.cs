using MedIoT.Alerts.News2;

namespace MedIoT.Alerts.Staff;

/// <summary>A staff member recorded the patient's consciousness (ACVPU). <see cref="ToString"/> leaves the level out.</summary>
/// <param name="Bed">The patient's bed.</param>
/// <param name="Level">The ACVPU level.</param>
/// <param name="StaffId">Who recorded it (authenticated by the HTTP API).</param>
/// <param name="ObservedAt">When it was observed.</param>
public sealed record ConsciousnessRecorded(BedLocation Bed, Consciousness Level, StaffId StaffId, DateTimeOffset ObservedAt) : AlarmInput
{
    /// <inheritdoc />
    public override string ToString() => $"consciousness recorded for {Bed} by {StaffId}";
}
