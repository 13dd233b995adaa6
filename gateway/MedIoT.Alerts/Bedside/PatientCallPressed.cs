namespace MedIoT.Alerts.Bedside;

/// <summary>The patient pressed the call button at the bed: a <em>patient call</em> alarm, until answered or acknowledged.</summary>
/// <param name="Bed">The bed.</param>
/// <param name="SourceName">The button that was pressed (its device id); the alarm names it as its device.</param>
public sealed record PatientCallPressed(BedLocation Bed, string SourceName) : AlarmInput;
