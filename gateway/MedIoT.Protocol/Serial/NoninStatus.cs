using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol.Serial;

/// <summary>
/// The status byte of a Nonin data format 2 frame (Nonin OEM III module specification, "Serial Data Format #2") and
/// its mapping onto <see cref="DeviceStatus"/>.
/// </summary>
public static class NoninStatus
{
    /// <summary>Bit 7: always set in a status byte; the byte that starts a frame.</summary>
    public const byte FrameStart = 0x80;

    /// <summary>Bit 6, SNSD: sensor disconnected or inoperable.</summary>
    public const byte SensorDisconnect = 0x40;

    /// <summary>Bit 5, ARTF: artifact, a detected beat did not match the current pulse interval.</summary>
    public const byte Artifact = 0x20;

    /// <summary>Bit 4, OOT: out of track, no consecutive good pulse signals.</summary>
    public const byte OutOfTrack = 0x10;

    /// <summary>Bit 3, SNSA: sensor alarm, the sensor provides unusable data.</summary>
    public const byte SensorAlarm = 0x08;

    /// <summary>Bits 2–1: perfusion; bit 2 alone is red (low), bit 1 alone green (high), both yellow (marginal).</summary>
    public const byte PerfusionMask = 0x06;

    /// <summary>Bit 2 alone: red perfusion (low signal amplitude).</summary>
    public const byte RedPerfusion = 0x04;

    /// <summary>Bit 0, SYNC: set on the first frame of each 25-frame packet only.</summary>
    public const byte Sync = 0x01;

    /// <summary>Maps one status byte onto <see cref="DeviceStatus"/>.</summary>
    public static DeviceStatus ToDeviceStatus(byte status)
    {
        var result = DeviceStatus.None;
        if ((status & SensorDisconnect) != 0)
        {
            result |= DeviceStatus.NoSensor;
        }

        if ((status & Artifact) != 0)
        {
            result |= DeviceStatus.LowSignalQuality;
        }

        if ((status & OutOfTrack) != 0)
        {
            result |= DeviceStatus.PulseSearch;
        }

        if ((status & SensorAlarm) != 0)
        {
            result |= DeviceStatus.DefectiveSensor;
        }

        if ((status & PerfusionMask) == RedPerfusion)
        {
            result |= DeviceStatus.LowPerfusion;
        }

        return result;
    }
}
