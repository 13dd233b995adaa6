namespace MedIoT.Alerts.Lifecycle;

/// <summary>A staff member acknowledged an alarm (at the time the caller passes as now).</summary>
/// <param name="AlarmId">The alarm.</param>
/// <param name="StaffId">Who acknowledged it (authenticated by the HTTP API).</param>
public sealed record AlarmAcknowledgement(long AlarmId, StaffId StaffId) : AlarmInput;
