namespace MedIoT.Alerts;

/// <summary>
/// Something the alert engine is told: a reading, a device status, a staff observation, a technical or security
/// event, or an acknowledgement. Every input goes through <see cref="AlarmEngine.Process"/>, one at a time.
/// </summary>
public abstract record AlarmInput;
