using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Protocol.Serial;

namespace MedIoT.Serial.Benchmarks;

/// <summary>
/// How fast each serial reader decodes a realistic stream (valid frames, as a busy line carries them). Each
/// benchmark reads <see cref="StreamBytes"/> bytes, so the mean time gives bytes per second, and with it the share of
/// one core that a saturated 115200-baud line (11,520 bytes/s at 8N1) costs (docs/benchmarks/serial.md).
/// In-process, because BenchmarkDotNet 0.14 does not know the net10.0 moniker for its generated projects.
/// </summary>
[Config(typeof(InProcessConfig))]
[MemoryDiagnoser]
public class SerialReaderBenchmarks
{
    /// <summary>The stream size of every benchmark, in bytes (about 5.7 s of a saturated 115200-baud line).</summary>
    public const int StreamBytes = 65_536;

    private byte[] _masimo = [];
    private byte[] _nonin = [];
    private byte[] _signed = [];

    [GlobalSetup]
    public void Setup()
    {
        var line = MasimoLineFormatter.Format(new DateTime(2016, 2, 22, 22, 47, 45, DateTimeKind.Utc), "0000056661", new MasimoReading(98, 97, 3.6, 0, 0x800));
        _masimo = Fill(line);
        var packet = new byte[NoninPacketEncoder.PacketLength];
        NoninPacketEncoder.Encode(97, 72, 0x02, packet);
        _nonin = Fill(packet);
        using var key = Ed25519PrivateKey.FromSeed(new byte[32]);
        var frame = new DeviceFrame("ward7a-bed01-spo2", 1,
        [
            new Observation(MdcCodes.OxygenSaturation, 97, "%", 1_795_000_000_000_000_000),
            new Observation(MdcCodes.PulseRateOximeter, 72, "/min", 1_795_000_000_000_000_000),
        ]);
        _signed = Fill([.. JwsFrameEncoder.Encode(frame, key), .. "\r\n"u8]);
    }

    private static byte[] Fill(byte[] unit)
    {
        var data = new byte[StreamBytes];
        for (var offset = 0; offset < data.Length; offset += unit.Length)
        {
            unit.AsSpan(0, Math.Min(unit.Length, data.Length - offset)).CopyTo(data.AsSpan(offset));
        }

        return data;
    }

    [Benchmark]
    public int Masimo()
    {
        var reader = new MasimoLineReader();
        var buffer = new ReadOnlySequence<byte>(_masimo);
        var count = 0;
        while (reader.TryReadFrame(ref buffer, out _, out var rejection) || rejection != SerialRejectionReason.None)
        {
            count++;
        }

        return count;
    }

    [Benchmark]
    public int Nonin()
    {
        var reader = new NoninFrameReader();
        var buffer = new ReadOnlySequence<byte>(_nonin);
        var count = 0;
        while (reader.TryReadFrame(ref buffer, out _, out var rejection) || rejection != SerialRejectionReason.None)
        {
            count++;
        }

        return count;
    }

    /// <summary>Line framing only; the signature check is the verifier's (about 40 µs per frame, reference.md §5).</summary>
    [Benchmark]
    public int SignedLines()
    {
        var reader = new SignedLineReader(16_384);
        var buffer = new ReadOnlySequence<byte>(_signed);
        var count = 0;
        while (reader.TryReadFrame(ref buffer, out _, out var rejection) || rejection != SerialRejectionReason.None)
        {
            count++;
        }

        return count;
    }

    private sealed class InProcessConfig : ManualConfig
    {
        public InProcessConfig() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
    }
}
