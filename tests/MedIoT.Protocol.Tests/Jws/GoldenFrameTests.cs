using System.Text;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using static MedIoT.Protocol.Tests.TestSupport;

namespace MedIoT.Protocol.Tests.Jws;

/// <summary>The checked-in golden frames, verified both ways.</summary>
public sealed class GoldenFrameTests
{
    private static readonly JsonDocument Good = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(GoldenDirectory, "good-frames.json")));
    private static readonly JsonDocument Bad = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(GoldenDirectory, "bad-frames.json")));

    public static TheoryData<string> GoodNames() => [.. Good.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()!)];

    public static TheoryData<string> RejectedNames() => [.. Bad.RootElement.GetProperty("rejected").EnumerateArray().Select(e => e.GetProperty("name").GetString()!)];

    public static TheoryData<string> AcceptedNames() => [.. Bad.RootElement.GetProperty("accepted").EnumerateArray().Select(e => e.GetProperty("name").GetString()!)];

    internal static Ed25519PrivateKey ReadGoldenKey()
    {
        Assert.True(OkpJsonWebKey.TryParsePrivate(File.ReadAllBytes(Path.Combine(GoldenDirectory, "golden-device-key.jwk")), out var key, out var error), error);
        return key!;
    }

    internal static IEnumerable<byte[]> GoodTokens() =>
        Good.RootElement.EnumerateArray().Select(e => Encoding.ASCII.GetBytes(e.GetProperty("token").GetString()!));

    [Fact]
    public void The_golden_key_is_the_documented_test_seed()
    {
        using var key = ReadGoldenKey();
        var seed = new byte[32];
        key.ExportSeed(seed);
        Assert.Equal(GoldenFrameGenerator.GoldenSeed, seed);
        Assert.Equal(OkpJsonWebKey.FormatPublic(key.PublicKey), Bad.RootElement.GetProperty("publicKey").GetString());
    }

    [Theory]
    [MemberData(nameof(GoodNames))]
    public void Encoding_the_golden_payload_gives_the_golden_token_byte_for_byte(string name)
    {
        var entry = Find(Good.RootElement.EnumerateArray(), name);
        var payload = Encoding.UTF8.GetBytes(entry.GetProperty("payload").GetString()!);
        using var key = ReadGoldenKey();

        Assert.True(DeviceFrameJson.TryParse(payload, out var frame, out _, out var detail), detail);
        Assert.Equal(payload, DeviceFrameJson.Serialize(frame));
        Assert.Equal(entry.GetProperty("token").GetString(), Encoding.ASCII.GetString(JwsFrameEncoder.Encode(frame, key)));
    }

    [Theory]
    [MemberData(nameof(GoodNames))]
    public void Decoding_the_golden_token_verifies_and_gives_the_golden_frame(string name)
    {
        var entry = Find(Good.RootElement.EnumerateArray(), name);
        var token = Encoding.ASCII.GetBytes(entry.GetProperty("token").GetString()!);
        var payload = Encoding.UTF8.GetBytes(entry.GetProperty("payload").GetString()!);
        using var key = ReadGoldenKey();

        Assert.True(JwsFrameDecoder.TryDecode(token, JwsFrameDecoder.DefaultMaxTokenBytes, out var jws, out var reason, out _));
        Assert.Equal(FrameRejectionReason.None, reason);
        Assert.Equal(payload, jws.Payload.ToArray());
        Assert.Equal(64, jws.Signature.Length);
        Assert.True(jws.VerifySignature(key.PublicKey));
        Assert.True(jws.TryReadFrame(out var frame, out reason, out _));
        Assert.Equal(FrameRejectionReason.None, reason);
        Assert.Equal(jws.KeyId, frame.DeviceId);

        Assert.True(DeviceFrameJson.TryParse(payload, out var expected, out _, out _));
        AssertSameFrame(expected, frame);
    }

    [Theory]
    [MemberData(nameof(RejectedNames))]
    public void A_golden_bad_frame_is_rejected_for_its_reason(string name)
    {
        var entry = Find(Bad.RootElement.GetProperty("rejected").EnumerateArray(), name);
        var expected = Enum.Parse<FrameRejectionReason>(entry.GetProperty("reason").GetString()!);
        var maxTokenBytes = entry.TryGetProperty("maxTokenBytes", out var max) ? max.GetInt32() : JwsFrameDecoder.DefaultMaxTokenBytes;
        using var key = ReadGoldenKey();

        var reason = Run(Encoding.UTF8.GetBytes(entry.GetProperty("token").GetString()!), maxTokenBytes, key.PublicKey, out var frame);

        Assert.Equal(expected, reason);
        Assert.Null(frame);
    }

    [Theory]
    [MemberData(nameof(AcceptedNames))]
    public void A_golden_variant_from_another_JOSE_library_is_accepted(string name)
    {
        var entry = Find(Bad.RootElement.GetProperty("accepted").EnumerateArray(), name);
        using var key = ReadGoldenKey();

        var reason = Run(Encoding.UTF8.GetBytes(entry.GetProperty("token").GetString()!), JwsFrameDecoder.DefaultMaxTokenBytes, key.PublicKey, out var frame);

        Assert.Equal(FrameRejectionReason.None, reason);
        Assert.NotNull(frame);
    }

    [Fact]
    public void The_bad_frames_cover_every_reason_this_library_decides()
    {
        var covered = Bad.RootElement.GetProperty("rejected").EnumerateArray()
            .Select(e => Enum.Parse<FrameRejectionReason>(e.GetProperty("reason").GetString()!)).ToHashSet();

        for (var reason = FrameRejectionReason.Oversize; reason <= FrameRejectionReason.KeyIdMismatch; reason++)
        {
            Assert.Contains(reason, covered);
        }
    }

    [Fact]
    public void A_token_one_byte_over_the_default_limit_is_oversize_before_anything_else()
    {
        var token = new byte[JwsFrameDecoder.DefaultMaxTokenBytes + 1];
        Assert.False(JwsFrameDecoder.TryDecode(token, JwsFrameDecoder.DefaultMaxTokenBytes, out _, out var reason, out _));
        Assert.Equal(FrameRejectionReason.Oversize, reason);

        Assert.False(JwsFrameDecoder.TryDecode(token.AsSpan(1), JwsFrameDecoder.DefaultMaxTokenBytes, out _, out reason, out _));
        Assert.Equal(FrameRejectionReason.NotCompactJws, reason);
    }

    [Fact]
    public void A_non_positive_limit_is_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JwsFrameDecoder.TryDecode("a.b.c"u8, 0, out _, out _, out _));
    }

    private static JsonElement Find(JsonElement.ArrayEnumerator entries, string name) =>
        entries.Single(e => e.GetProperty("name").GetString() == name);
}
