namespace MedIoT.Alerts.Technical;

/// <summary>A serial port the gateway reads a legacy device from was disconnected or reconnected.</summary>
/// <param name="PortName">The port, e.g. <c>/dev/ttyUSB0</c>.</param>
/// <param name="Bed">The bed whose device is on the port, when configured; null for a gateway-wide alarm.</param>
/// <param name="Connected">True when (re)connected, false when disconnected.</param>
public sealed record SerialPortStatus(string PortName, BedLocation? Bed, bool Connected) : AlarmInput;
