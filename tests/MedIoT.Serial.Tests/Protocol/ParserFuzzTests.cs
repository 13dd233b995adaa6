using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Serial;

namespace MedIoT.Serial.Tests.Protocol;

/// <summary>
/// Seeded fuzzing of every serial reader: random bytes and mutated valid streams never make a reader throw or
/// spin, and valid frames sent after the damage are still found (resynchronisation).
/// </summary>
public sealed class ParserFuzzTests
{
    private const int Rounds = 300;

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = valid.ToList();
        var mutations = random.Next(1, 12);
        for (var i = 0; i < mutations && bytes.Count > 0; i++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(4))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 2: bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 8))); break;
                default: bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 8)).Select(_ => (byte)random.Next(256))); break;
            }
        }

        return [.. bytes];
    }

    private static byte[] RandomBytes(Random random) => Enumerable.Range(0, random.Next(0, 600)).Select(_ => (byte)random.Next(256)).ToArray();

    private static void Fuzz<T>(Func<TryReadFrame<T>> createReader, byte[] validStream, int validFrames, int allowedLoss, byte[] separator)
    {
        var random = new Random(20261121);
        for (var round = 0; round < Rounds; round++)
        {
            var damage = round % 2 == 0 ? RandomBytes(random) : Mutate(random, validStream);
            var data = damage.Concat(separator).Concat(validStream).ToArray();
            var (frames, _) = ReaderDriver.Run(createReader(), data, random);
            // The damage may hide at most the first frame or packet after it; the rest must all be found.
            Assert.True(frames.Count >= validFrames - allowedLoss, $"round {round}: found {frames.Count} of {validFrames} frames after the damage");
        }
    }

    [Fact]
    public void Masimo_reader_survives_random_and_mutated_input_and_finds_the_lines_after_it()
    {
        var line = MasimoLineFormatter.Format(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), "0000056661", new MasimoReading(98, 97, 3.6, 0, 0x800));
        var stream = Enumerable.Repeat(line, 5).SelectMany(l => l).ToArray();
        Fuzz<MasimoReading>(() => new MasimoLineReader().TryReadFrame, stream, 5, 1, []);
    }

    [Fact]
    public void Nonin_reader_survives_random_and_mutated_input_and_finds_the_packets_after_it()
    {
        var packet = new byte[NoninPacketEncoder.PacketLength];
        NoninPacketEncoder.Encode(97, 72, NoninPacketEncoder.StatusBitsFor(DeviceStatus.None), packet);
        var stream = Enumerable.Repeat(packet, 6).SelectMany(p => p).ToArray();
        Fuzz<NoninReading>(() => new NoninFrameReader().TryReadFrame, stream, 6, 1, []);
    }

    [Fact]
    public void Signed_line_reader_survives_random_and_mutated_input_and_finds_the_tokens_after_it()
    {
        using var key = Ed25519PrivateKey.FromSeed(new byte[32]);
        var stream = Enumerable.Range(1, 5).SelectMany(i => SignedLineReaderTests.Token(key, i).Concat("\r\n"u8.ToArray())).ToArray();
        Fuzz<byte[]>(() => new SignedLineReader(1024).TryReadFrame, stream, 5, 1, []);
    }

    [Fact]
    public void Random_bytes_alone_give_no_Masimo_readings()
    {
        var random = new Random(42);
        for (var round = 0; round < Rounds; round++)
        {
            var data = RandomBytes(random);
            Assert.Empty(ReaderDriver.Run<MasimoReading>(new MasimoLineReader().TryReadFrame, data, random).Frames);
        }
    }
}
