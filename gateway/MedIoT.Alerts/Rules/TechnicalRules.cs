namespace MedIoT.Alerts.Rules;

/// <summary>The rules for technical alarms, kept apart from the physiological ones.</summary>
/// <param name="DeviceSilent">When a device counts as silent.</param>
/// <param name="DeviceStatus">Which reported status flags alarm; a flag not listed is ignored.</param>
/// <param name="SerialPortDisconnected">When a disconnected serial port alarms.</param>
/// <param name="Backlog">When the gateway's backlog alarms.</param>
/// <param name="SensorFault">When a sensor wired to the gateway that does not work alarms.</param>
public sealed record TechnicalRules(DeviceSilentRule DeviceSilent, IReadOnlyList<DeviceStatusRule> DeviceStatus, SerialPortRule SerialPortDisconnected, BacklogRule Backlog, SensorFaultRule SensorFault);
