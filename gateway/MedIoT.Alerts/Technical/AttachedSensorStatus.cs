namespace MedIoT.Alerts.Technical;

/// <summary>
/// A sensor wired to the gateway (load cells, thermometer, button) stopped working (not answering, a bus or packet error,
/// the chip's error flag, implausible values) or works again. Like a serial port: a fault that lasts
/// <c>technical.sensorFault.persistenceSeconds</c> raises <em>sensor fault</em>; working again resolves it.
/// </summary>
/// <param name="SensorName">The sensor (its device id), 1–64 characters without control characters.</param>
/// <param name="Bed">The bed it serves.</param>
/// <param name="Working">True when it answers with plausible values, false when it does not.</param>
public sealed record AttachedSensorStatus(string SensorName, BedLocation Bed, bool Working) : AlarmInput;
