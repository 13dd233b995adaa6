using MedIoT.Alerts;
using MedIoT.Cryptography;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Protocol;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Ingestion.Serial;

/// <summary>Gateway attestation goes through the same checks as a device signature, and only where it belongs.</summary>
public sealed class AttestedVerificationTests : IDisposable
{
    private readonly TestDevice _signed = new("ward7a-bed01-spo2", bed: "01");
    private readonly RegisteredDevice _masimo = new("ward7a-bed02-masimo", "pulse-oximeter", BedLocation.Parse("7A", "02"), null, false, DeviceTrust.GatewayAttested);
    private readonly Ed25519PrivateKey _gateway = Ed25519PrivateKey.Generate();
    private readonly FrameVerifier _verifier;

    public AttestedVerificationTests() =>
        _verifier = new FrameVerifier(new DeviceRegistry([_signed.Registration, _masimo]), Options.Create(new IngestionOptions { ReplayWindow = 16 }), TimeProvider.System);

    public void Dispose()
    {
        _signed.Dispose();
        _gateway.Dispose();
    }

    private byte[] Attest(long sequence, string? deviceId = null, Ed25519PrivateKey? key = null) => JwsFrameEncoder.Encode(
        new DeviceFrame(deviceId ?? _masimo.DeviceId, sequence, [new Observation(MdcCodes.PerfusionIndex, 3.6, "%", TestDevice.TimeNanoseconds(0))]), key ?? _gateway);

    [Fact]
    public void A_reading_attested_with_the_gateway_key_is_accepted_and_marked()
    {
        var outcome = _verifier.VerifyAttested(_masimo.DeviceId, Attest(1), _gateway.PublicKey);
        Assert.NotNull(outcome.Frame);
        Assert.Equal(FrameAttestation.GatewayAttested, outcome.Frame.Attestation);
        Assert.Same(_masimo, outcome.Frame.Device);
    }

    [Fact]
    public void Attested_readings_pass_the_replay_guard_like_signed_ones()
    {
        Assert.NotNull(_verifier.VerifyAttested(_masimo.DeviceId, Attest(5), _gateway.PublicKey).Frame);
        Assert.True(_verifier.VerifyAttested(_masimo.DeviceId, Attest(5), _gateway.PublicKey).IsDuplicate);
        var conflicting = JwsFrameEncoder.Encode(new DeviceFrame(_masimo.DeviceId, 5, [new Observation(MdcCodes.PerfusionIndex, 1.0, "%", 0)]), _gateway);
        Assert.Equal(FrameRejectionReason.SequenceConflict, _verifier.VerifyAttested(_masimo.DeviceId, conflicting, _gateway.PublicKey).Reason);
    }

    [Fact]
    public void A_gateway_attested_device_cannot_send_over_MQTT_even_with_the_gateway_key()
    {
        var outcome = _verifier.Verify(DeviceTopic.ForFrames(_masimo.DeviceId), Attest(2));
        Assert.Equal(FrameRejectionReason.BadSignature, outcome.Reason);
        Assert.Contains("serial port", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_key_or_another_device_on_the_port_is_rejected()
    {
        using var other = Ed25519PrivateKey.Generate();
        Assert.Equal(FrameRejectionReason.BadSignature, _verifier.VerifyAttested(_masimo.DeviceId, Attest(3, key: other), _gateway.PublicKey).Reason);
        Assert.Equal(FrameRejectionReason.TopicMismatch, _verifier.VerifyAttested("ward7a-bed09-masimo", Attest(4), _gateway.PublicKey).Reason);
    }

    [Fact]
    public void The_gateway_never_attests_for_a_device_that_signs_itself()
    {
        var outcome = _verifier.VerifyAttested(_signed.DeviceId, Attest(1, _signed.DeviceId), _gateway.PublicKey);
        Assert.Equal(FrameRejectionReason.BadSignature, outcome.Reason);
    }

    [Fact]
    public void A_signed_frame_from_a_serial_port_is_verified_as_over_MQTT()
    {
        var frame = _signed.Frame(sequence: 7);
        var outcome = _verifier.VerifyFromSerialPort(_signed.DeviceId, _signed.Sign(frame));
        Assert.NotNull(outcome.Frame);
        Assert.Equal(FrameAttestation.DeviceSigned, outcome.Frame.Attestation);
        Assert.Equal(FrameRejectionReason.TopicMismatch, _verifier.VerifyFromSerialPort("ward7a-bed05-spo2", _signed.Sign(_signed.Frame(sequence: 8))).Reason);
    }
}
