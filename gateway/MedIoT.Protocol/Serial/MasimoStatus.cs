using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol.Serial;

/// <summary>
/// The Masimo ALARM and EXC bits (Radical-7 / Rad-8 serial output, docs/serial.md "Status mapping") and how they
/// map onto <see cref="DeviceStatus"/>. Bits not listed are kept in the raw words and not mapped.
/// </summary>
public static class MasimoStatus
{
    /// <summary>ALARM 0x01: SpO2 above the high limit (physiological).</summary>
    public const int AlarmSpO2High = 0x1;

    /// <summary>ALARM 0x02: SpO2 below the low limit (physiological).</summary>
    public const int AlarmSpO2Low = 0x2;

    /// <summary>ALARM 0x04: pulse rate above the high limit (physiological).</summary>
    public const int AlarmPulseRateHigh = 0x4;

    /// <summary>ALARM 0x08: pulse rate below the low limit (physiological).</summary>
    public const int AlarmPulseRateLow = 0x8;

    /// <summary>ALARM 0x10: an alarm is active on the device.</summary>
    public const int AlarmActive = 0x10;

    /// <summary>ALARM 0x20: the device's audible alarm is silenced.</summary>
    public const int AlarmSilenced = 0x20;

    /// <summary>ALARM 0x40: low battery.</summary>
    public const int AlarmLowBattery = 0x40;

    /// <summary>EXC 0x0001: no sensor.</summary>
    public const int ExceptionNoSensor = 0x1;

    /// <summary>EXC 0x0002: defective sensor.</summary>
    public const int ExceptionDefectiveSensor = 0x2;

    /// <summary>EXC 0x0004: low perfusion.</summary>
    public const int ExceptionLowPerfusion = 0x4;

    /// <summary>EXC 0x0008: pulse search.</summary>
    public const int ExceptionPulseSearch = 0x8;

    /// <summary>EXC 0x0010: interference.</summary>
    public const int ExceptionInterference = 0x10;

    /// <summary>EXC 0x0020: sensor off the patient.</summary>
    public const int ExceptionSensorOff = 0x20;

    /// <summary>EXC 0x0040: ambient light.</summary>
    public const int ExceptionAmbientLight = 0x40;

    /// <summary>EXC 0x0080: unrecognised sensor.</summary>
    public const int ExceptionUnrecognisedSensor = 0x80;

    /// <summary>EXC 0x0400: low signal IQ.</summary>
    public const int ExceptionLowSignalQuality = 0x400;

    /// <summary>EXC 0x1000: no cable.</summary>
    public const int ExceptionNoCable = 0x1000;

    /// <summary>Maps the technical bits of the two words onto <see cref="DeviceStatus"/>.</summary>
    public static DeviceStatus ToDeviceStatus(int alarmBits, int exceptionBits)
    {
        var status = DeviceStatus.None;
        status |= Map(exceptionBits, ExceptionNoSensor, DeviceStatus.NoSensor);
        status |= Map(exceptionBits, ExceptionDefectiveSensor, DeviceStatus.DefectiveSensor);
        status |= Map(exceptionBits, ExceptionLowPerfusion, DeviceStatus.LowPerfusion);
        status |= Map(exceptionBits, ExceptionPulseSearch, DeviceStatus.PulseSearch);
        status |= Map(exceptionBits, ExceptionInterference | ExceptionAmbientLight, DeviceStatus.Interference);
        status |= Map(exceptionBits, ExceptionSensorOff, DeviceStatus.SensorOff);
        status |= Map(exceptionBits, ExceptionUnrecognisedSensor, DeviceStatus.UnrecognisedSensor);
        status |= Map(exceptionBits, ExceptionLowSignalQuality, DeviceStatus.LowSignalQuality);
        status |= Map(exceptionBits, ExceptionNoCable, DeviceStatus.NoCable);
        status |= Map(alarmBits, AlarmLowBattery, DeviceStatus.LowBattery);
        status |= Map(alarmBits, AlarmSilenced, DeviceStatus.AlarmSilenced);
        return status;
    }

    private static DeviceStatus Map(int bits, int mask, DeviceStatus flag) => (bits & mask) != 0 ? flag : DeviceStatus.None;
}
