namespace MedIoT.Alerts.Bedside;

/// <summary>A bed's bed-exit monitoring as the engine holds it (no weight: only whether the settled weight is known).</summary>
/// <param name="Armed">Whether it is armed.</param>
/// <param name="SettledWeightKnown">Whether the patient's settled weight has been learned since arming (or since the gateway started).</param>
/// <param name="ArmedBy">Who armed it; null when not armed.</param>
/// <param name="ArmedAt">When it was armed; null when not armed.</param>
public sealed record BedExitMonitoring(bool Armed, bool SettledWeightKnown, StaffId? ArmedBy, DateTimeOffset? ArmedAt)
{
    /// <summary>Not armed.</summary>
    public static BedExitMonitoring Disarmed { get; } = new(false, false, null, null);
}
