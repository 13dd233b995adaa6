using System.Text;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;

namespace MedIoT.Protocol.Tests.Jws;

/// <summary>
/// The worked example of docs/device-protocol.md §8 is what this library produces from the golden test key and the
/// contract's example payload, block by block.
/// </summary>
public sealed class DeviceProtocolDocumentTests
{
    private const string Document = "docs/device-protocol.md";
    private const string Command = "dotnet test tests/MedIoT.Protocol.Tests --filter DeviceProtocolDocumentTests";

    [Fact]
    public void The_worked_example_is_what_the_encoder_produces_from_the_golden_key()
    {
        using var key = Ed25519PrivateKey.FromSeed(GoldenFrameGenerator.GoldenSeed);
        Assert.True(DeviceFrameJson.TryParse(Encoding.UTF8.GetBytes(GoldenFrameGenerator.Spo2Payload), out var frame, out _, out var detail), detail);
        var token = Encoding.ASCII.GetString(JwsFrameEncoder.Encode(frame, key));
        var parts = token.Split('.');

        var problems = new[]
        {
            ("worked-frame-public-jwk", OkpJsonWebKey.FormatPublic(key.PublicKey)),
            ("worked-frame-header", Decoded(parts[0])),
            ("worked-frame-payload", Decoded(parts[1])),
            ("worked-frame-signing-input", parts[0] + "." + parts[1]),
            ("worked-frame-signature", parts[2]),
            ("worked-frame-token", token),
        }.Select(example => DocumentExamples.Check(Document, example.Item1, example.Item2, Command)).OfType<string>().ToList();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(GoldenFrameGenerator.Spo2Payload, Decoded(parts[1]));
    }

    private static string Decoded(string part)
    {
        Assert.True(Base64Url.TryDecode(part, out var bytes));
        return Encoding.UTF8.GetString(bytes);
    }
}
