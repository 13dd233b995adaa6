using System.Buffers;
using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol.Serial;

/// <summary>
/// Reads Nonin data format 2 (Nonin OEM III module specification, "Serial Data Format #2"; docs/serial.md): 75
/// five-byte frames per second (status, pleth MSB, pleth LSB, a byte whose meaning depends on the frame's place in
/// its packet, and a checksum, the sum of the first four bytes modulo 256), grouped in packets of 25 frames whose
/// first frame has the SYNC bit. Of the fourth bytes, frame 1 carries bits 8–7 of the pulse rate, frame 2 bits 6–0,
/// frame 3 the SpO2 (both 4-beat averages); the rest (firmware revision, extended and display values) are not used.
/// <para>
/// A frame starts with a byte whose bit 7 is set; bytes before one are garbage. A bad checksum skips bytes until a
/// frame whose checksum holds (one rejection for the whole damaged stretch), and drops the packet it was in, since
/// its values may be mixed with another's. A packet is reported only when all 25 frames arrived in order.
/// </para>
/// </summary>
public sealed class NoninFrameReader
{
    /// <summary>Bytes in one frame.</summary>
    public const int FrameLength = 5;

    /// <summary>Frames in one packet.</summary>
    public const int FramesPerPacket = 25;

    /// <summary>The SpO2 value meaning "no value".</summary>
    public const int MissingOxygenSaturation = 127;

    /// <summary>The pulse rate value meaning "no value".</summary>
    public const int MissingPulseRate = 511;

    // -1: waiting for a SYNC frame; otherwise how many frames of the current packet arrived.
    private int _framesInPacket = -1;
    private bool _resynchronising;
    private DeviceStatus _status;
    private int _pulseRateHigh;
    private int _pulseRateLow;
    private int _saturation;

    /// <summary>Rejections so far, per reason.</summary>
    public SerialRejectionCounts Rejections { get; } = new();

    /// <summary>
    /// Reads from <paramref name="buffer"/> until a complete packet has been read, consuming what it used. Returns
    /// <see langword="false"/> with <paramref name="rejection"/> set when bytes were skipped (counted; call again), or
    /// with <see cref="SerialRejectionReason.None"/> when more bytes are needed. Never throws for any input.
    /// </summary>
    public bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out NoninReading reading, out SerialRejectionReason rejection)
    {
        reading = default;
        rejection = SerialRejectionReason.None;
        Span<byte> frame = stackalloc byte[FrameLength];
        while (true)
        {
            var reader = new SequenceReader<byte>(buffer);
            if (!reader.TryPeek(out var first))
            {
                return false;
            }

            if ((first & NoninStatus.FrameStart) == 0)
            {
                // Skip the whole run of bytes that cannot start a frame: one rejection, unless already resynchronising.
                SkipLowBytes(ref reader);
                buffer = buffer.Slice(reader.Position);
                if (!_resynchronising)
                {
                    DropPacket();
                    rejection = Rejections.Count(SerialRejectionReason.Garbage);
                    _resynchronising = true;
                    return false;
                }

                continue;
            }

            if (!reader.TryCopyTo(frame))
            {
                return false;
            }

            if (!ChecksumHolds(frame))
            {
                // A damaged frame or a false start: move one byte on and look again.
                buffer = buffer.Slice(1);
                if (!_resynchronising)
                {
                    DropPacket();
                    rejection = Rejections.Count(SerialRejectionReason.BadChecksum);
                    _resynchronising = true;
                    return false;
                }

                continue;
            }

            buffer = buffer.Slice(FrameLength);
            _resynchronising = false;
            if (TryAddFrame(frame, out reading, out rejection))
            {
                return true;
            }

            if (rejection != SerialRejectionReason.None)
            {
                return false;
            }
        }
    }

    /// <summary><see langword="true"/> when the fifth byte is the sum of the first four modulo 256.</summary>
    public static bool ChecksumHolds(ReadOnlySpan<byte> frame) =>
        frame.Length == FrameLength && unchecked((byte)(frame[0] + frame[1] + frame[2] + frame[3])) == frame[4];

    private static void SkipLowBytes(ref SequenceReader<byte> reader)
    {
        while (reader.TryPeek(out var value) && (value & NoninStatus.FrameStart) == 0)
        {
            reader.Advance(1);
        }
    }

    private bool TryAddFrame(ReadOnlySpan<byte> frame, out NoninReading reading, out SerialRejectionReason rejection)
    {
        reading = default;
        rejection = SerialRejectionReason.None;
        var isSync = (frame[0] & NoninStatus.Sync) != 0;
        if (isSync)
        {
            if (_framesInPacket > 0)
            {
                rejection = Rejections.Count(SerialRejectionReason.TruncatedPacket);
            }

            _framesInPacket = 0;
            _status = DeviceStatus.None;
        }
        else if (_framesInPacket < 0)
        {
            return false; // Joined mid-packet (the port just opened): wait for the next SYNC frame.
        }

        _status |= NoninStatus.ToDeviceStatus(frame[0]);
        switch (_framesInPacket)
        {
            case 0:
                _pulseRateHigh = frame[3];
                break;
            case 1:
                _pulseRateLow = frame[3];
                break;
            case 2:
                _saturation = frame[3];
                break;
        }

        _framesInPacket++;
        if (_framesInPacket < FramesPerPacket)
        {
            return false;
        }

        _framesInPacket = -1;
        if (_pulseRateHigh > 0x03 || _pulseRateLow > 0x7F || (_saturation > 100 && _saturation != MissingOxygenSaturation))
        {
            rejection = Rejections.Count(SerialRejectionReason.InvalidPacket);
            return false;
        }

        var pulseRate = (_pulseRateHigh << 7) | _pulseRateLow;
        reading = new NoninReading(
            _saturation == MissingOxygenSaturation ? null : _saturation,
            pulseRate == MissingPulseRate ? null : pulseRate,
            _status);
        return true;
    }

    private void DropPacket() => _framesInPacket = -1;
}
