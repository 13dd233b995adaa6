using System.Text;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Protocol.Serial;

namespace MedIoT.Serial.Tests.Protocol;

public sealed class SignedLineReaderTests
{
    internal static byte[] Token(Ed25519PrivateKey key, long sequence) => JwsFrameEncoder.Encode(
        new DeviceFrame("ward7a-bed01-spo2", sequence, [new Observation(MdcCodes.OxygenSaturation, 97, "%", 1_795_000_000_000_000_000)]), key);

    [Fact]
    public void Each_line_is_one_token_that_verifies_and_decodes()
    {
        using var key = Ed25519PrivateKey.FromSeed(new byte[32]);
        var tokens = new[] { Token(key, 1), Token(key, 2), Token(key, 3) };
        var data = tokens[0].Concat("\r\n"u8.ToArray()).Concat(tokens[1]).Concat("\n\n"u8.ToArray()).Concat(tokens[2]).Concat("\r\n"u8.ToArray()).ToArray();
        var reader = new SignedLineReader(16_384);
        var (frames, rejections) = ReaderDriver.Run<byte[]>(reader.TryReadFrame, data, new Random(1));
        Assert.Empty(rejections);
        Assert.Equal(tokens, frames);
        foreach (var (token, index) in frames.Select((t, i) => (t, i)))
        {
            Assert.True(JwsFrameDecoder.TryDecode(token, 16_384, out var decoded, out _, out _));
            Assert.True(decoded.VerifySignature(key.PublicKey));
            Assert.True(decoded.TryReadFrame(out var frame, out _, out _));
            Assert.Equal(index + 1, frame.SequenceNumber);
        }
    }

    [Fact]
    public void Garbage_and_overlong_lines_are_counted_and_the_next_token_is_read()
    {
        using var key = Ed25519PrivateKey.FromSeed(new byte[32]);
        var data = new List<byte>();
        data.AddRange("\u0001\u00fe{\"spo2\":97}\r\n"u8.ToArray());
        data.AddRange(Token(key, 1));
        data.AddRange("\r\n"u8.ToArray());
        data.AddRange(Encoding.ASCII.GetBytes(new string('A', 5000) + "\n"));
        data.AddRange(Token(key, 2));
        data.AddRange("\n"u8.ToArray());
        var reader = new SignedLineReader(1024);
        var (frames, rejections) = ReaderDriver.Run<byte[]>(reader.TryReadFrame, [.. data], new Random(2));
        Assert.Equal(2, frames.Count);
        Assert.Equal([SerialRejectionReason.Garbage, SerialRejectionReason.OverlongLine], rejections);
    }
}
