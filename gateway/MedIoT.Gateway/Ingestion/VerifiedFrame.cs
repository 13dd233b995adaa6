using MedIoT.Gateway.Devices;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Ingestion;

/// <summary>A frame whose signature, device and sequence number have been checked.</summary>
/// <param name="Device">The registered device the frame is from.</param>
/// <param name="Frame">The frame's content.</param>
/// <param name="Attestation">Whether the device signed it or the gateway attested it.</param>
public sealed record VerifiedFrame(RegisteredDevice Device, DeviceFrame Frame, FrameAttestation Attestation = FrameAttestation.DeviceSigned)
{
    /// <summary>
    /// The signed JWS exactly as received (the device's, or the gateway's attestation for a gateway-attested frame):
    /// what the journal stores (docs/ledger-entry-format.md). Empty only for frames built without a token (tests).
    /// </summary>
    public ReadOnlyMemory<byte> Token { get; init; }

    /// <summary>When the gateway received the frame, in nanoseconds since the Unix epoch.</summary>
    public long ReceivedUnixNanoseconds { get; init; }

    /// <summary>The token's verified Ed25519 signature (the journal's sequence history fingerprints it); empty when not known.</summary>
    internal ReadOnlyMemory<byte> Signature { get; init; }
}
