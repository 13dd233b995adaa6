using MedIoT.Cryptography;
using MedIoT.Gateway.Devices;
using MedIoT.Protocol;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// Decides whether an incoming frame is genuine (docs/device-protocol.md, "What the gateway does with
/// bad frames"). Cheap checks come first and nothing from an unauthenticated payload is parsed before
/// its signature verifies. Pure apart from the per-device sequence state, which a lock guards: MQTT and each
/// serial port verify from their own loops.
/// </summary>
public sealed class FrameVerifier
{
    private readonly DeviceRegistry _registry;
    private readonly int _maxFrameBytes;
    private readonly ReplayGuard _replayGuard;
    private readonly TimeProvider _timeProvider;

    /// <summary>A verifier with an empty sequence history.</summary>
    public FrameVerifier(DeviceRegistry registry, IOptions<IngestionOptions> options, TimeProvider timeProvider)
        : this(registry, options, new ReplayGuard((options ?? throw new ArgumentNullException(nameof(options))).Value.ReplayWindow), timeProvider)
    {
    }

    /// <summary>
    /// A verifier continuing the sequence history in <paramref name="replayGuard"/> (rebuilt from the journal at start,
    /// so redeliveries after a restart are still recognised).
    /// </summary>
    internal FrameVerifier(DeviceRegistry registry, IOptions<IngestionOptions> options, ReplayGuard replayGuard, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(replayGuard);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _registry = registry;
        _maxFrameBytes = options.Value.MaxFrameBytes;
        _replayGuard = replayGuard;
        _timeProvider = timeProvider;
    }

    /// <summary>Checks one frame received on <paramref name="topic"/>.</summary>
    public IngestionOutcome Verify(string topic, ReadOnlySpan<byte> payload)
    {
        if (!DeviceTopic.TryParseFrames(topic, out var topicDeviceId))
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.TopicMismatch, null, "the topic is not mediot/v1/devices/{deviceId}/frames");
        }

        return VerifyToken(topicDeviceId, payload, owned: default, attestingKey: null);
    }

    /// <summary>
    /// As <see cref="Verify(string, ReadOnlySpan{byte})"/> for a payload handed over with the frame: an accepted frame keeps
    /// <paramref name="payload"/> itself as its <see cref="VerifiedFrame.Token"/> instead of a copy, so nobody may change or
    /// reuse it afterwards (an MQTT message's payload, which the client allocates for each message and never touches again).
    /// </summary>
    internal IngestionOutcome VerifyHandedOver(string topic, ReadOnlyMemory<byte> payload)
    {
        if (!DeviceTopic.TryParseFrames(topic, out var topicDeviceId))
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.TopicMismatch, null, "the topic is not mediot/v1/devices/{deviceId}/frames");
        }

        return VerifyToken(topicDeviceId, payload.Span, payload, attestingKey: null);
    }

    /// <summary>
    /// Checks one signed frame read from the serial port configured for <paramref name="portDeviceId"/>: exactly the
    /// checks of <see cref="Verify(string, ReadOnlySpan{byte})"/>, with the port's device in place of the topic's
    /// (a different <c>kid</c> is a <see cref="FrameRejectionReason.TopicMismatch"/>).
    /// </summary>
    public IngestionOutcome VerifyFromSerialPort(string portDeviceId, ReadOnlySpan<byte> payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(portDeviceId);
        return VerifyToken(portDeviceId, payload, owned: default, attestingKey: null);
    }

    /// <summary>
    /// Checks a frame the gateway attested (signed with its own key, <paramref name="gatewayKey"/>) for the
    /// gateway-attested device on a serial port, through the same checks as a device-signed frame.
    /// </summary>
    public IngestionOutcome VerifyAttested(string portDeviceId, ReadOnlySpan<byte> payload, Ed25519PublicKey gatewayKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(portDeviceId);
        ArgumentNullException.ThrowIfNull(gatewayKey);
        return VerifyToken(portDeviceId, payload, owned: default, gatewayKey);
    }

    // owned: the payload's memory when the caller hands it over (kept as the token), else empty (the token is a copy).
    private IngestionOutcome VerifyToken(string channelDeviceId, ReadOnlySpan<byte> payload, ReadOnlyMemory<byte> owned, Ed25519PublicKey? attestingKey)
    {
        // The decoder checks the size before reading anything: an oversize payload costs no parsing.
        if (!JwsFrameDecoder.TryDecode(payload, _maxFrameBytes, out var token, out var reason, out var detail))
        {
            return IngestionOutcome.Rejected(reason, channelDeviceId, detail);
        }

        if (!string.Equals(token.KeyId, channelDeviceId, StringComparison.Ordinal))
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.TopicMismatch, channelDeviceId, "the JWS kid differs from the device id of the topic or serial port");
        }

        if (!_registry.TryGet(token.KeyId, out var device))
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.UnknownDevice, token.KeyId, "the device is not in the registry");
        }

        if (device.Revoked)
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.RevokedDevice, device.DeviceId, "the device is revoked in the registry");
        }

        // A gateway-attested device has no key of its own: only the gateway's attestation of its serial port counts,
        // and a device-signed device is never vouched for by the gateway.
        var key = device.Trust == DeviceTrust.GatewayAttested ? attestingKey : attestingKey is null ? device.PublicKey : null;
        if (key is null)
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.BadSignature, device.DeviceId, device.Trust == DeviceTrust.GatewayAttested
                ? "the device is gateway-attested: its readings are accepted only from its serial port"
                : "the device signs its own frames: the gateway does not attest for it");
        }

        if (!token.VerifySignature(key))
        {
            return IngestionOutcome.Rejected(FrameRejectionReason.BadSignature, device.DeviceId, "the Ed25519 signature does not verify with the registered key");
        }

        if (!token.TryReadFrame(out var frame, out reason, out detail))
        {
            return IngestionOutcome.Rejected(reason, device.DeviceId, detail);
        }

        var received = _timeProvider.GetUtcNow();
        ReplayGuard.Verdict verdict;
        lock (_replayGuard)
        {
            verdict = _replayGuard.Check(device.DeviceId, frame.SequenceNumber, token.Signature.Span);
        }

        var attestation = attestingKey is null ? FrameAttestation.DeviceSigned : FrameAttestation.GatewayAttested;
        return verdict switch
        {
            ReplayGuard.Verdict.New => IngestionOutcome.Accepted(new VerifiedFrame(device, frame, attestation)
            {
                Token = owned.IsEmpty ? payload.ToArray() : owned,
                ReceivedUnixNanoseconds = (received - DateTimeOffset.UnixEpoch).Ticks * 100,
                Signature = token.Signature,
            }),
            ReplayGuard.Verdict.Duplicate => IngestionOutcome.Duplicate(device.DeviceId),
            ReplayGuard.Verdict.Conflict => IngestionOutcome.Rejected(
                FrameRejectionReason.SequenceConflict, device.DeviceId, "a different frame was already accepted with this sequence number"),
            _ => IngestionOutcome.Rejected(
                FrameRejectionReason.ReplayedSequence, device.DeviceId, "the sequence number is older than the replay window"),
        };
    }
}
