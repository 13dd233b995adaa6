using System.Text;
using MedIoT.Alerts;
using MedIoT.Cryptography;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Protocol.Frames;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Ingestion;

/// <summary>
/// Which reason a frame with two faults is rejected for (docs/device-protocol.md §7, "When several faults apply"): each
/// case shows that either fault alone gives its own reason, and that the frame with both gives the documented one. The
/// case names are the rows of that table.
/// </summary>
public sealed class FrameRejectionPrecedenceTests : IDisposable
{
    private const int Window = 16;
    private const string Time = "2026-11-21T13:00:00Z";

    private readonly TestDevice _device = new("ward7a-bed01-spo2", bed: "01");
    private readonly TestDevice _neighbour = new("ward7a-bed02-spo2", bed: "02");
    private readonly TestDevice _revoked = new("ward7a-bed03-spo2", bed: "03", revoked: true);
    private readonly TestDevice _stranger = new("ward9-bed01-spo2");
    private readonly Ed25519PrivateKey _anyKey = Ed25519PrivateKey.Generate();
    private readonly RegisteredDevice _attested = new("ward7a-bed04-masimo", "pulse-oximeter", BedLocation.Parse("7A", "04"), null, false, DeviceTrust.GatewayAttested);
    private readonly Dictionary<string, Func<Case>> _cases;

    public FrameRejectionPrecedenceTests()
    {
        var a = _device.DeviceId;
        _cases = new Dictionary<string, Func<Case>>(StringComparer.Ordinal)
        {
            ["topic-not-a-frames-topic+oversize"] = () => new(
                new(_device.Topic, Oversize()), FrameRejectionReason.Oversize,
                new("mediot/v1/devices/ward 7/frames", Signed(_device.Key, Header(a), Payload(a, 1))), FrameRejectionReason.TopicMismatch,
                new("mediot/v1/devices/ward 7/frames", Oversize()), FrameRejectionReason.TopicMismatch),
            ["oversize+not-compact-jws"] = () => new(
                new(_device.Topic, Oversize()), FrameRejectionReason.Oversize,
                new(_device.Topic, Ascii("a.b")), FrameRejectionReason.NotCompactJws,
                new(_device.Topic, Ascii(new string('.', JwsBytes + 1))), FrameRejectionReason.Oversize),
            ["padded-signature-part+malformed-header"] = () => new(
                new(_device.Topic, Ascii(Text(Signed(_device.Key, Header(a), Payload(a, 1))) + "==")), FrameRejectionReason.NotCompactJws,
                new(_device.Topic, Signed(_device.Key, "alg=EdDSA", Payload(a, 1))), FrameRejectionReason.MalformedHeader,
                new(_device.Topic, Ascii(Text(Signed(_device.Key, "alg=EdDSA", Payload(a, 1))) + "==")), FrameRejectionReason.NotCompactJws),
            ["missing-kid+unsupported-algorithm"] = () => new(
                new(_device.Topic, Signed(_device.Key, """{"alg":"EdDSA"}""", Payload(a, 1))), FrameRejectionReason.MalformedHeader,
                new(_device.Topic, Signed(_device.Key, Header(a, "none"), Payload(a, 1))), FrameRejectionReason.UnsupportedAlgorithm,
                new(_device.Topic, Signed(_device.Key, """{"alg":"none"}""", Payload(a, 1))), FrameRejectionReason.MalformedHeader),
            ["unknown-header-member+unsupported-algorithm"] = () => new(
                new(_device.Topic, Signed(_device.Key, $$"""{"alg":"EdDSA","kid":"{{a}}","jku":"x"}""", Payload(a, 1))), FrameRejectionReason.MalformedHeader,
                new(_device.Topic, Signed(_device.Key, Header(a, "HS256"), Payload(a, 1))), FrameRejectionReason.UnsupportedAlgorithm,
                new(_device.Topic, Signed(_device.Key, $$"""{"alg":"HS256","kid":"{{a}}","jku":"x"}""", Payload(a, 1))), FrameRejectionReason.MalformedHeader),
            ["unsupported-algorithm+short-signature"] = () => new(
                new(_device.Topic, Signed(_device.Key, Header(a, "HS256"), Payload(a, 1))), FrameRejectionReason.UnsupportedAlgorithm,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1), SignatureFault.Short)), FrameRejectionReason.BadSignature,
                new(_device.Topic, Signed(_device.Key, Header(a, "HS256"), Payload(a, 1), SignatureFault.Short)), FrameRejectionReason.UnsupportedAlgorithm),
            ["short-signature+another-devices-topic"] = () => new(
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1), SignatureFault.Short)), FrameRejectionReason.BadSignature,
                new(_neighbour.Topic, Signed(_device.Key, Header(a), Payload(a, 1))), FrameRejectionReason.TopicMismatch,
                new(_neighbour.Topic, Signed(_device.Key, Header(a), Payload(a, 1), SignatureFault.Short)), FrameRejectionReason.BadSignature),
            ["short-signature+unknown-device"] = () => new(
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1), SignatureFault.Short)), FrameRejectionReason.BadSignature,
                new(_stranger.Topic, _stranger.SignNext()), FrameRejectionReason.UnknownDevice,
                new(_stranger.Topic, Signed(_stranger.Key, Header(_stranger.DeviceId), Payload(_stranger.DeviceId, 1), SignatureFault.Short)), FrameRejectionReason.BadSignature),
            ["bad-signature+another-devices-topic"] = () => new(
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1), SignatureFault.Flipped)), FrameRejectionReason.BadSignature,
                new(_neighbour.Topic, Signed(_device.Key, Header(a), Payload(a, 1))), FrameRejectionReason.TopicMismatch,
                new(_neighbour.Topic, Signed(_device.Key, Header(a), Payload(a, 1), SignatureFault.Flipped)), FrameRejectionReason.TopicMismatch),
            ["unknown-device+another-devices-topic"] = () => new(
                new(_stranger.Topic, _stranger.SignNext()), FrameRejectionReason.UnknownDevice,
                new(_neighbour.Topic, _device.SignNext()), FrameRejectionReason.TopicMismatch,
                new(_device.Topic, _stranger.SignNext()), FrameRejectionReason.TopicMismatch),
            ["revoked-device+another-devices-topic"] = () => new(
                new(_revoked.Topic, _revoked.SignNext()), FrameRejectionReason.RevokedDevice,
                new(_neighbour.Topic, _device.SignNext()), FrameRejectionReason.TopicMismatch,
                new(_device.Topic, _revoked.SignNext()), FrameRejectionReason.TopicMismatch),
            ["unknown-device+bad-signature"] = () => new(
                new(_stranger.Topic, _stranger.SignNext()), FrameRejectionReason.UnknownDevice,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1), SignatureFault.Flipped)), FrameRejectionReason.BadSignature,
                new(_stranger.Topic, Signed(_stranger.Key, Header(_stranger.DeviceId), Payload(_stranger.DeviceId, 1), SignatureFault.Flipped)), FrameRejectionReason.UnknownDevice),
            ["revoked-device+bad-signature"] = () => new(
                new(_revoked.Topic, _revoked.SignNext()), FrameRejectionReason.RevokedDevice,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1), SignatureFault.Flipped)), FrameRejectionReason.BadSignature,
                new(_revoked.Topic, Signed(_revoked.Key, Header(_revoked.DeviceId), Payload(_revoked.DeviceId, 1), SignatureFault.Flipped)), FrameRejectionReason.RevokedDevice),
            ["gateway-attested-device-over-mqtt+malformed-payload"] = () => new(
                new(AttestedTopic, Signed(_anyKey, Header(_attested.DeviceId), Payload(_attested.DeviceId, 1))), FrameRejectionReason.BadSignature,
                new(_device.Topic, Signed(_device.Key, Header(a), "{ not json")), FrameRejectionReason.MalformedPayload,
                new(AttestedTopic, Signed(_anyKey, Header(_attested.DeviceId), "{ not json")), FrameRejectionReason.BadSignature),
            ["bad-signature+malformed-payload"] = () => new(
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1), SignatureFault.Flipped)), FrameRejectionReason.BadSignature,
                new(_device.Topic, Signed(_device.Key, Header(a), "{ not json")), FrameRejectionReason.MalformedPayload,
                new(_device.Topic, Signed(_device.Key, Header(a), "{ not json", SignatureFault.Flipped)), FrameRejectionReason.BadSignature),
            ["invalid-value-before-unknown-member"] = () => new(
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1, version: "2"))), FrameRejectionReason.InvalidFrame,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1, extra: ",\"patient\":\"x\""))), FrameRejectionReason.MalformedPayload,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1, version: "2", extra: ",\"patient\":\"x\""))), FrameRejectionReason.InvalidFrame),
            ["unknown-member-before-invalid-value"] = () => new(
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1, version: "2"))), FrameRejectionReason.InvalidFrame,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1, prefix: "\"patient\":\"x\","))), FrameRejectionReason.MalformedPayload,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1, version: "2", prefix: "\"patient\":\"x\","))), FrameRejectionReason.MalformedPayload),
            ["invalid-value+missing-member"] = () => new(
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1, version: "1.0"))), FrameRejectionReason.InvalidFrame,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, null))), FrameRejectionReason.MalformedPayload,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, null, version: "1.0"))), FrameRejectionReason.InvalidFrame),
            ["invalid-frame+key-id-mismatch"] = () => new(
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 1, version: "2"))), FrameRejectionReason.InvalidFrame,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(_neighbour.DeviceId, 1))), FrameRejectionReason.KeyIdMismatch,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(_neighbour.DeviceId, 1, version: "2"))), FrameRejectionReason.InvalidFrame),
            ["key-id-mismatch+sequence-conflict"] = () => new(
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(_neighbour.DeviceId, 100))), FrameRejectionReason.KeyIdMismatch,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 5, value: 90))), FrameRejectionReason.SequenceConflict,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(_neighbour.DeviceId, 5, value: 90))), FrameRejectionReason.KeyIdMismatch,
                Before: [new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 5)))]),
            ["replayed-sequence+sequence-conflict"] = () => new(
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 4))), FrameRejectionReason.ReplayedSequence,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 5 + Window, value: 90))), FrameRejectionReason.SequenceConflict,
                new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 5, value: 90))), FrameRejectionReason.ReplayedSequence,
                Before: [new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 5))), new(_device.Topic, Signed(_device.Key, Header(a), Payload(a, 5 + Window)))]),
        };
    }

    private enum SignatureFault
    {
        None,
        Flipped,
        Short,
    }

    private const int JwsBytes = 2048;

    private static readonly string[] s_caseNames =
    [
        "topic-not-a-frames-topic+oversize", "oversize+not-compact-jws", "padded-signature-part+malformed-header",
        "missing-kid+unsupported-algorithm", "unknown-header-member+unsupported-algorithm", "unsupported-algorithm+short-signature",
        "short-signature+another-devices-topic", "short-signature+unknown-device", "bad-signature+another-devices-topic",
        "unknown-device+another-devices-topic", "revoked-device+another-devices-topic", "unknown-device+bad-signature",
        "revoked-device+bad-signature", "gateway-attested-device-over-mqtt+malformed-payload", "bad-signature+malformed-payload",
        "invalid-value-before-unknown-member", "unknown-member-before-invalid-value", "invalid-value+missing-member",
        "invalid-frame+key-id-mismatch", "key-id-mismatch+sequence-conflict", "replayed-sequence+sequence-conflict",
    ];

    public static TheoryData<string> CaseNames() => new(s_caseNames);

    private string AttestedTopic => Protocol.DeviceTopic.ForFrames(_attested.DeviceId);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Each_fault_alone_gives_its_reason_and_both_give_the_documented_one(string name)
    {
        var @case = _cases[name]();

        Assert.Equal(@case.FirstAlone, Reject(@case.First, @case.Before));
        Assert.Equal(@case.SecondAlone, Reject(@case.Second, @case.Before));
        Assert.NotEqual(@case.FirstAlone, @case.SecondAlone);
        Assert.Equal(@case.Winner, Reject(@case.Both, @case.Before));
    }

    [Fact]
    public void Every_case_is_in_the_theory()
    {
        Assert.Equal(_cases.Keys.Order(StringComparer.Ordinal), s_caseNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_redelivered_frame_passes_every_other_check_again_before_it_counts_as_a_duplicate()
    {
        var token = _device.SignNext();
        var verifier = NewVerifier();
        Assert.NotNull(verifier.Verify(_device.Topic, token).Frame);

        Assert.True(verifier.Verify(_device.Topic, token).IsDuplicate);
        Assert.Equal(FrameRejectionReason.TopicMismatch, verifier.Verify(_neighbour.Topic, token).Reason);
        Assert.Equal(FrameRejectionReason.Oversize, verifier.Verify(_device.Topic, [.. token, .. new byte[JwsBytes]]).Reason);
    }

    public void Dispose()
    {
        _device.Dispose();
        _neighbour.Dispose();
        _revoked.Dispose();
        _stranger.Dispose();
        _anyKey.Dispose();
    }

    // A fresh verifier per probe: the frames of Before are accepted first, then the probe must be rejected.
    private FrameRejectionReason Reject(Probe probe, IReadOnlyList<Probe>? before)
    {
        var verifier = NewVerifier();
        foreach (var accepted in before ?? [])
        {
            Assert.NotNull(verifier.Verify(accepted.Topic, accepted.Token).Frame);
        }

        var outcome = verifier.Verify(probe.Topic, probe.Token);
        Assert.Null(outcome.Frame);
        Assert.False(outcome.IsDuplicate);
        Assert.False(string.IsNullOrEmpty(outcome.Detail));
        return outcome.Reason;
    }

    private FrameVerifier NewVerifier() => new(
        new DeviceRegistry([_device.Registration, _neighbour.Registration, _revoked.Registration, _attested]),
        Options.Create(new IngestionOptions { MaxFrameBytes = JwsBytes, ReplayWindow = Window }), TimeProvider.System);

    // A genuine frame whose only fault is its size: 40 observations make it longer than JwsBytes.
    private byte[] Oversize()
    {
        var observation = $$""","obs":[{{string.Join(",", Enumerable.Repeat($$"""{"code":150456,"value":97,"unit":"%","time":"{{Time}}"}""", 40))}}]}""";
        var payload = Payload(_device.DeviceId, 1);
        var token = Signed(_device.Key, Header(_device.DeviceId), payload[..payload.IndexOf(",\"obs\"", StringComparison.Ordinal)] + observation);
        Assert.True(token.Length > JwsBytes);
        return token;
    }

    private static string Header(string kid, string alg = "EdDSA") => $$"""{"alg":"{{alg}}","kid":"{{kid}}"}""";

    private static string Payload(string device, long? sequence, string version = "1", double value = 97, string prefix = "", string extra = "") =>
        $$"""{{{prefix}}"v":{{version}},"device":"{{device}}",{{(sequence is { } s ? $"\"seq\":{s}," : "")}}"obs":[{"code":150456,"value":{{value}},"unit":"%","time":"{{Time}}"}]{{extra}}}""";

    private static byte[] Signed(Ed25519PrivateKey key, string header, string payload, SignatureFault fault = SignatureFault.None)
    {
        var signingInput = Base64Url.Encode(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(payload));
        var signature = key.Sign(Encoding.ASCII.GetBytes(signingInput));
        if (fault == SignatureFault.Flipped)
        {
            signature[20] ^= 0x01;
        }

        return Ascii(signingInput + "." + Base64Url.Encode(fault == SignatureFault.Short ? signature.AsSpan(0, 63) : signature));
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static string Text(byte[] token) => Encoding.ASCII.GetString(token);

    private sealed record Probe(string Topic, byte[] Token);

    private sealed record Case(
        Probe First, FrameRejectionReason FirstAlone, Probe Second, FrameRejectionReason SecondAlone, Probe Both, FrameRejectionReason Winner,
        IReadOnlyList<Probe>? Before = null);
}
