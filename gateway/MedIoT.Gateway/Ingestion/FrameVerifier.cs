using MedIoT.Gateway.Configuration;
using MedIoT.Gateway.Devices;
using MedIoT.Protocol;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// Decides whether an incoming frame is genuine (docs/device-protocol.md, "What the gateway does with
/// bad frames"). Cheap checks come first and nothing from an unauthenticated payload is parsed before
/// its signature verifies. Pure apart from the per-device sequence state; not thread-safe.
/// </summary>
public sealed class FrameVerifier
{
    private readonly DeviceRegistry _registry;
    private readonly int _maxFrameBytes;
    private readonly ReplayGuard _replayGuard;

    public FrameVerifier(DeviceRegistry registry, IOptions<IngestionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _maxFrameBytes = options.Value.MaxFrameBytes;
        _replayGuard = new ReplayGuard(options.Value.ReplayWindow);
    }

    /// <summary>Checks one frame received on <paramref name="topic"/>.</summary>
    public IngestionOutcome Verify(string topic, ReadOnlySpan<byte> payload)
    {
        if (!DeviceTopic.TryParseFrames(topic, out var topicDeviceId))
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.TopicMismatch, null, "the topic is not mediot/v1/devices/{deviceId}/frames");
        }

        // The decoder checks the size before reading anything: an oversize payload costs no parsing.
        if (!JwsFrameDecoder.TryDecode(payload, _maxFrameBytes, out var token, out var reason, out var detail))
        {
            return IngestionOutcome.Rejected(reason, topicDeviceId, detail);
        }

        if (!string.Equals(token.KeyId, topicDeviceId, StringComparison.Ordinal))
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.TopicMismatch, topicDeviceId, "the JWS kid differs from the device id in the topic");
        }

        if (!_registry.TryGet(token.KeyId, out var device))
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.UnknownDevice, token.KeyId, "the device is not in the registry");
        }

        if (device.Revoked)
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.RevokedDevice, device.DeviceId, "the device is revoked in the registry");
        }

        if (!token.VerifySignature(device.PublicKey))
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.BadSignature, device.DeviceId, "the Ed25519 signature does not verify with the registered key");
        }

        if (!token.TryReadFrame(out var frame, out reason, out detail))
        {
            return IngestionOutcome.Rejected(reason, device.DeviceId, detail);
        }

        return _replayGuard.Check(device.DeviceId, frame.SequenceNumber, token.Signature.Span) switch
        {
            ReplayGuard.Verdict.New => IngestionOutcome.Accepted(new VerifiedFrame(device, frame)),
            ReplayGuard.Verdict.Duplicate => IngestionOutcome.Duplicate(device.DeviceId),
            ReplayGuard.Verdict.Conflict => IngestionOutcome.Rejected(
                FrameRejectionReason.SequenceConflict, device.DeviceId, "a different frame was already accepted with this sequence number"),
            _ => IngestionOutcome.Rejected(
                FrameRejectionReason.ReplayedSequence, device.DeviceId, "the sequence number is older than the replay window"),
        };
    }
}
