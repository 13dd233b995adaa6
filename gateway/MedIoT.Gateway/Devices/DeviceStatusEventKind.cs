namespace MedIoT.Gateway.Devices;

/// <summary>What happened to a device's connection or self-reported status.</summary>
public enum DeviceStatusEventKind
{
    /// <summary>The device's serial port opened for the first time since the gateway started.</summary>
    Connected,

    /// <summary>The device's serial port went away (cable pulled, adapter re-enumerated) or could not be opened.</summary>
    Disconnected,

    /// <summary>The device's serial port is open again after a disconnection.</summary>
    Reconnected,

    /// <summary>The device's serial port has been silent for its configured no-data timeout.</summary>
    NoData,

    /// <summary>Bytes arrive again on a port that was silent.</summary>
    DataResumed,

    /// <summary>The device reported a different <see cref="Protocol.Frames.DeviceStatus"/> (sensor off, low battery...).</summary>
    StatusChanged,
}
