using MedIoT.Serial;

namespace MedIoT.Gateway.Ingestion.Serial;

/// <summary>One serial port and the device on it: an entry of <c>Gateway:Serial:Ports</c>.</summary>
public sealed class SerialPortOptions
{
    /// <summary>
    /// The device path, absolute. Prefer the stable <c>/dev/serial/by-id/usb-...</c> link over <c>/dev/ttyUSB0</c>,
    /// whose number changes when adapters are plugged in another order. Required.
    /// </summary>
    public string DevicePath { get; set; } = string.Empty;

    /// <summary>Baud rate: 9600, 19200, 38400, 57600 or 115200. Default 9600.</summary>
    public int BaudRate { get; set; } = 9600;

    /// <summary>Data bits, 7 or 8. Default 8.</summary>
    public int DataBits { get; set; } = 8;

    /// <summary>Parity: <c>None</c>, <c>Even</c> or <c>Odd</c>. Default <c>None</c>.</summary>
    public SerialParity Parity { get; set; } = SerialParity.None;

    /// <summary>Stop bits, 1 or 2. Default 1.</summary>
    public int StopBits { get; set; } = 1;

    /// <summary>What the device speaks: <c>Signed</c>, <c>Masimo</c> or <c>Nonin</c>. Default <c>Signed</c>.</summary>
    public SerialProtocol Protocol { get; set; } = SerialProtocol.Signed;

    /// <summary>
    /// The registered device on this port (hence its ward and bed). For <c>Signed</c> it must be registered as
    /// device-signed; for <c>Masimo</c> and <c>Nonin</c> as gateway-attested. Required.
    /// </summary>
    public string DeviceId { get; set; } = string.Empty;

    /// <summary>After this many seconds without a byte the port raises a no-data event, 1–3600. Default 10.</summary>
    public int NoDataTimeoutSeconds { get; set; } = 10;

    /// <summary>The line settings as the serial library takes them.</summary>
    internal SerialLineSettings LineSettings => new() { BaudRate = BaudRate, DataBits = DataBits, Parity = Parity, StopBits = StopBits };
}
