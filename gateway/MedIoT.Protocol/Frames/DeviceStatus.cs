namespace MedIoT.Protocol.Frames;

/// <summary>
/// Technical conditions a bedside device reports about itself, as opposed to the patient's vital signs.
/// Serial protocols map their own status bits onto these (for example Masimo's EXC and ALARM words);
/// the alert engine raises technical alarms from them, kept apart from physiological alarms.
/// </summary>
[Flags]
public enum DeviceStatus
{
    /// <summary>The device reports nothing wrong.</summary>
    None = 0,

    /// <summary>No sensor is connected to the device.</summary>
    NoSensor = 1 << 0,

    /// <summary>The sensor is connected but defective.</summary>
    DefectiveSensor = 1 << 1,

    /// <summary>The sensor is connected but not on the patient (probe off, lead off).</summary>
    SensorOff = 1 << 2,

    /// <summary>The sensor is of a kind the device does not recognise.</summary>
    UnrecognisedSensor = 1 << 3,

    /// <summary>The patient cable is disconnected from the device.</summary>
    NoCable = 1 << 4,

    /// <summary>Perfusion at the sensor site is too low for a reliable reading.</summary>
    LowPerfusion = 1 << 5,

    /// <summary>The signal quality is too low for a reliable reading.</summary>
    LowSignalQuality = 1 << 6,

    /// <summary>The device is searching for a pulse; values may be missing.</summary>
    PulseSearch = 1 << 7,

    /// <summary>Interference (electrical or ambient light) disturbs the measurement.</summary>
    Interference = 1 << 8,

    /// <summary>The device's battery is low.</summary>
    LowBattery = 1 << 9,

    /// <summary>The device's own audible alarm is silenced.</summary>
    AlarmSilenced = 1 << 10,
}
