using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol.Serial;

/// <summary>
/// Writes Nonin data format 2 packets (the layout <see cref="NoninFrameReader"/> reads), for the simulator and
/// for tests. The pleth is a plain sawtooth; unused fourth bytes are zero.
/// </summary>
public static class NoninPacketEncoder
{
    /// <summary>Bytes in one packet: 25 frames of 5 bytes.</summary>
    public const int PacketLength = NoninFrameReader.FrameLength * NoninFrameReader.FramesPerPacket;

    /// <summary>
    /// Writes one packet to <paramref name="destination"/> (at least <see cref="PacketLength"/> bytes).
    /// <paramref name="statusBits"/> are status bits 6–1 (see <see cref="NoninStatus"/>) set on every frame.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside what the format can carry.</exception>
    public static void Encode(int? oxygenSaturationPercent, int? pulseRatePerMinute, byte statusBits, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, PacketLength);
        var saturation = oxygenSaturationPercent ?? NoninFrameReader.MissingOxygenSaturation;
        var pulseRate = pulseRatePerMinute ?? NoninFrameReader.MissingPulseRate;
        ArgumentOutOfRangeException.ThrowIfNegative(saturation);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(saturation, 127);
        ArgumentOutOfRangeException.ThrowIfNegative(pulseRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pulseRate, 511);
        for (var index = 0; index < NoninFrameReader.FramesPerPacket; index++)
        {
            var frame = destination.Slice(index * NoninFrameReader.FrameLength, NoninFrameReader.FrameLength);
            var pleth = index * 1000;
            frame[0] = (byte)(NoninStatus.FrameStart | (statusBits & 0x7E) | (index == 0 ? NoninStatus.Sync : 0));
            frame[1] = unchecked((byte)(pleth >> 8));
            frame[2] = unchecked((byte)pleth);
            frame[3] = index switch
            {
                0 => (byte)(pulseRate >> 7),
                1 => (byte)(pulseRate & 0x7F),
                2 => (byte)saturation,
                _ => 0,
            };
            frame[4] = unchecked((byte)(frame[0] + frame[1] + frame[2] + frame[3]));
        }
    }

    /// <summary>The status bits <see cref="Encode"/> needs so that the reader reports <paramref name="status"/> (the mappable part).</summary>
    public static byte StatusBitsFor(DeviceStatus status)
    {
        byte bits = 0;
        bits |= status.HasFlag(DeviceStatus.NoSensor) ? NoninStatus.SensorDisconnect : (byte)0;
        bits |= status.HasFlag(DeviceStatus.LowSignalQuality) ? NoninStatus.Artifact : (byte)0;
        bits |= status.HasFlag(DeviceStatus.PulseSearch) ? NoninStatus.OutOfTrack : (byte)0;
        bits |= status.HasFlag(DeviceStatus.DefectiveSensor) ? NoninStatus.SensorAlarm : (byte)0;
        bits |= status.HasFlag(DeviceStatus.LowPerfusion) ? NoninStatus.RedPerfusion : (byte)0x02;
        return bits;
    }
}
