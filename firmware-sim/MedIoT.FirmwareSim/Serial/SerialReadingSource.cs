using System.Text;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Devices;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Protocol.Serial;

namespace MedIoT.FirmwareSim.Serial;

/// <summary>
/// Produces the bytes a simulated serial device writes, one reading at a time, with the faults of
/// <see cref="SerialFaults"/>. Deterministic for a given seed (apart from the clock).
/// </summary>
public sealed class SerialReadingSource
{
    private readonly SerialOutputProtocol _protocol;
    private readonly SerialFaults _faults;
    private readonly PulseOximeterModel _model;
    private readonly Random _random;
    private readonly TimeProvider _timeProvider;
    private readonly string? _deviceId;
    private readonly Ed25519PrivateKey? _key;
    private readonly SequenceCounter? _sequence;
    private long _count;

    private SerialReadingSource(
        SerialOutputProtocol protocol, SerialFaults faults, int seed, TimeProvider timeProvider, string? deviceId, Ed25519PrivateKey? key, SequenceCounter? sequence)
    {
        _protocol = protocol;
        _faults = faults;
        _model = new PulseOximeterModel(seed);
        _random = new Random(seed);
        _timeProvider = timeProvider;
        _deviceId = deviceId;
        _key = key;
        _sequence = sequence;
    }

    /// <summary>A Masimo or Nonin device (unsigned; the gateway attests its readings).</summary>
    public static SerialReadingSource Unsigned(SerialOutputProtocol protocol, SerialFaults faults, int seed, TimeProvider timeProvider)
    {
        if (protocol == SerialOutputProtocol.Signed)
        {
            throw new ArgumentException("A signed device needs its key: use Signed().", nameof(protocol));
        }

        return new SerialReadingSource(protocol, faults, seed, timeProvider, null, null, null);
    }

    /// <summary>A MedIoT device that signs its frames with <paramref name="key"/> (owned by the caller).</summary>
    public static SerialReadingSource Signed(string deviceId, Ed25519PrivateKey key, SequenceCounter sequence, SerialFaults faults, int seed, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(sequence);
        return new SerialReadingSource(SerialOutputProtocol.Signed, faults, seed, timeProvider, deviceId, key, sequence);
    }

    /// <summary>The next reading's bytes.</summary>
    public SerialChunk Next()
    {
        _count++;
        var fault = Due(_faults.GarbageEvery) ? SerialFault.Garbage
            : Due(_faults.TruncateEvery) ? SerialFault.Truncated
            : Due(_faults.BadChecksumEvery) ? SerialFault.BadChecksum
            : SerialFault.None;
        var now = _timeProvider.GetUtcNow();
        var time = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var measured = _model.Next(time);
        var saturation = (int)measured[0].Value;
        var pulse = (int)measured[1].Value;
        return _protocol switch
        {
            SerialOutputProtocol.Signed => SignedChunk(measured, fault),
            SerialOutputProtocol.Masimo => MasimoChunk(now, saturation, pulse, time, fault),
            _ => NoninChunk(saturation, pulse, measured, fault),
        };
    }

    private bool Due(int every) => every > 0 && _count % every == 0;

    private SerialChunk SignedChunk(Observation[] measured, SerialFault fault)
    {
        var frame = new DeviceFrame(_deviceId!, _sequence!.Next(), measured);
        var token = JwsFrameEncoder.Encode(frame, _key!);
        return new SerialChunk(Line(token, fault, signatureDamage: true), fault, measured, frame);
    }

    private SerialChunk MasimoChunk(DateTimeOffset now, int saturation, int pulse, long time, SerialFault fault)
    {
        var perfusion = Math.Round(1 + (_random.NextDouble() * 4), 2);
        var line = MasimoLineFormatter.Format(now.UtcDateTime, "0000056661", new MasimoReading(saturation, pulse, perfusion, 0, 0));
        Observation[] observations =
        [
            new(MdcCodes.OxygenSaturation, saturation, "%", time),
            new(MdcCodes.PulseRateOximeter, pulse, "/min", time),
            new(MdcCodes.PerfusionIndex, perfusion, "%", time),
        ];
        return new SerialChunk(Line(line.AsSpan(0, line.Length - 2).ToArray(), fault, signatureDamage: false), fault, observations, null);
    }

    private SerialChunk NoninChunk(int saturation, int pulse, Observation[] measured, SerialFault fault)
    {
        var packet = new byte[NoninPacketEncoder.PacketLength];
        NoninPacketEncoder.Encode(saturation, pulse, NoninPacketEncoder.StatusBitsFor(DeviceStatus.None), packet);
        byte[] bytes = fault switch
        {
            // Bit 7 clear: noise that can never pass for a frame start.
            SerialFault.Garbage => [.. packet, .. Enumerable.Range(0, _random.Next(3, 40)).Select(_ => (byte)_random.Next(0x80))],
            SerialFault.Truncated => packet[..(12 * NoninFrameReader.FrameLength)],
            SerialFault.BadChecksum => Damage(packet, (10 * NoninFrameReader.FrameLength) + 4),
            _ => packet,
        };
        return new SerialChunk(bytes, fault, measured, null);
    }

    private static byte[] Damage(byte[] bytes, int index)
    {
        bytes[index] ^= 0x5A;
        return bytes;
    }

    /// <summary>A line with CR LF and the fault applied.</summary>
    private byte[] Line(byte[] content, SerialFault fault, bool signatureDamage)
    {
        var crlf = "\r\n"u8;
        switch (fault)
        {
            case SerialFault.Garbage:
                var noise = Enumerable.Range(0, _random.Next(3, 40)).Select(_ => (byte)_random.Next(0x01, 0x0A)).ToArray();
                return [.. content, .. crlf, .. noise, .. crlf];
            case SerialFault.Truncated:
                return [.. content.AsSpan(0, content.Length / 2), .. crlf];
            case SerialFault.BadChecksum:
                var damaged = content.ToArray();
                if (signatureDamage)
                {
                    // Change one base64url character of the signature: still a well-formed JWS, but it no longer verifies.
                    var at = damaged.Length - 10;
                    damaged[at] = damaged[at] == (byte)'A' ? (byte)'B' : (byte)'A';
                }
                else
                {
                    var text = Encoding.ASCII.GetString(damaged).Replace("SPO2=", "SP#2=", StringComparison.Ordinal);
                    damaged = Encoding.ASCII.GetBytes(text);
                }

                return [.. damaged, .. crlf];
            default:
                return [.. content, .. crlf];
        }
    }
}
