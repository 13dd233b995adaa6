using System.Runtime.InteropServices;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Protocol.Frames;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Ingestion;

public sealed class FrameVerifierTests : IDisposable
{
    private readonly TestDevice _device = new("ward7a-bed01-spo2", bed: "01");
    private readonly TestDevice _revoked = new("ward7a-bed02-spo2", bed: "02", revoked: true);
    private readonly TestDevice _stranger = new("ward9-bed01-spo2");
    private readonly FrameVerifier _verifier;

    public FrameVerifierTests()
    {
        var registry = new DeviceRegistry([_device.Registration, _revoked.Registration]);
        _verifier = new FrameVerifier(registry, Options.Create(new IngestionOptions { MaxFrameBytes = 2048, ReplayWindow = 64 }), TimeProvider.System);
    }

    public void Dispose()
    {
        _device.Dispose();
        _revoked.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public void A_genuine_frame_is_accepted_with_its_device_and_observations()
    {
        var frame = _device.Frame(sequence: 42, saturation: 96, pulse: 81, second: 3);

        var outcome = _verifier.Verify(_device.Topic, _device.Sign(frame));

        Assert.NotNull(outcome.Frame);
        Assert.Equal(FrameRejectionReason.None, outcome.Reason);
        Assert.Same(_device.Registration, outcome.Frame.Device);
        Assert.Equal(42, outcome.Frame.Frame.SequenceNumber);
        Assert.Equal(frame.Observations, outcome.Frame.Frame.Observations);
    }

    [Fact]
    public void A_handed_over_payload_becomes_the_token_itself_and_is_checked_like_any_other()
    {
        var token = _device.Sign(_device.Frame(sequence: 7));
        var copy = _device.Sign(_device.Frame(sequence: 8));

        var outcome = _verifier.VerifyHandedOver(_device.Topic, token);
        var copied = _verifier.Verify(_device.Topic, copy);

        Assert.NotNull(outcome.Frame);
        Assert.True(MemoryMarshal.TryGetArray(outcome.Frame.Token, out var kept));
        Assert.Same(token, kept.Array); // journaled without a copy
        Assert.NotNull(copied.Frame);
        Assert.True(MemoryMarshal.TryGetArray(copied.Frame.Token, out var own));
        Assert.NotSame(copy, own.Array); // a span is copied: the caller may reuse its buffer
        Assert.True(_verifier.VerifyHandedOver(_device.Topic, token).IsDuplicate);
        Assert.Equal(FrameRejectionReason.TopicMismatch, _verifier.VerifyHandedOver("mediot/v1/devices/frames", token).Reason);
        Assert.Equal(FrameRejectionReason.UnknownDevice, _verifier.VerifyHandedOver(_stranger.Topic, _stranger.SignNext()).Reason);
    }

    [Fact]
    public void The_same_frame_twice_is_a_duplicate_not_a_rejection()
    {
        var token = _device.SignNext();
        _verifier.Verify(_device.Topic, token);

        var outcome = _verifier.Verify(_device.Topic, token);

        Assert.True(outcome.IsDuplicate);
        Assert.Null(outcome.Frame);
        Assert.Equal(FrameRejectionReason.None, outcome.Reason);
    }

    [Fact]
    public void Each_kind_of_bad_frame_is_rejected_with_its_reason()
    {
        var good = _device.SignNext();
        var text = Encoding.ASCII.GetString(good);
        var parts = text.Split('.');
        var forged = parts[0] + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(
            """{"v":1,"device":"ward7a-bed01-spo2","seq":999,"obs":[{"code":150456,"value":60,"unit":"%","time":"2026-11-21T13:00:00Z"}]}""")) + "." + parts[2];

        AssertRejected(FrameRejectionReason.Oversize, _device.Topic, new byte[2049]);
        AssertRejected(FrameRejectionReason.NotCompactJws, _device.Topic, TestDevice.Ascii("not a jws at all"));
        AssertRejected(FrameRejectionReason.BadSignature, _device.Topic, TestDevice.Ascii(forged));
        AssertRejected(FrameRejectionReason.UnknownDevice, _stranger.Topic, _stranger.SignNext());
        AssertRejected(FrameRejectionReason.RevokedDevice, _revoked.Topic, _revoked.SignNext());
        AssertRejected(FrameRejectionReason.TopicMismatch, _revoked.Topic, _device.SignNext());
        AssertRejected(FrameRejectionReason.TopicMismatch, "some/other/topic", _device.SignNext());
    }

    [Fact]
    public void A_signed_but_malformed_payload_is_rejected_after_its_signature_verifies()
    {
        var header = Base64Url.Encode(Encoding.UTF8.GetBytes($$"""{"alg":"EdDSA","kid":"{{_device.DeviceId}}"}"""));
        var payload = Base64Url.Encode(Encoding.UTF8.GetBytes("{ not json"));
        var signingInput = Encoding.ASCII.GetBytes(header + "." + payload);
        var token = header + "." + payload + "." + Base64Url.Encode(_device.Key.Sign(signingInput));

        AssertRejected(FrameRejectionReason.MalformedPayload, _device.Topic, TestDevice.Ascii(token));
    }

    [Fact]
    public void A_reused_sequence_with_new_content_is_a_conflict_and_an_old_one_a_replay()
    {
        _verifier.Verify(_device.Topic, _device.Sign(_device.Frame(sequence: 500, saturation: 97)));

        AssertRejected(FrameRejectionReason.SequenceConflict, _device.Topic, _device.Sign(_device.Frame(sequence: 500, saturation: 85)));
        AssertRejected(FrameRejectionReason.ReplayedSequence, _device.Topic, _device.Sign(_device.Frame(sequence: 400)));
    }

    private void AssertRejected(FrameRejectionReason expected, string topic, byte[] payload)
    {
        var outcome = _verifier.Verify(topic, payload);

        Assert.Null(outcome.Frame);
        Assert.False(outcome.IsDuplicate);
        Assert.Equal(expected, outcome.Reason);
        Assert.False(string.IsNullOrEmpty(outcome.Detail));
    }
}
