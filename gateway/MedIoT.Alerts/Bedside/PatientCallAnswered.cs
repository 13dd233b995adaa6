namespace MedIoT.Alerts.Bedside;

/// <summary>Staff pressed the answer button at the bed: the bed's <em>patient call</em> resolves (nothing happens without one).</summary>
/// <param name="Bed">The bed.</param>
/// <param name="SourceName">The answer button (its device id).</param>
public sealed record PatientCallAnswered(BedLocation Bed, string SourceName) : AlarmInput;
