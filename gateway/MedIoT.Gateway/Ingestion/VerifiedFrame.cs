using MedIoT.Gateway.Devices;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Ingestion;

/// <summary>A frame whose signature, device and sequence number have been checked.</summary>
/// <param name="Device">The registered device the frame is from.</param>
/// <param name="Frame">The frame's content.</param>
/// <param name="Attestation">Whether the device signed it or the gateway attested it.</param>
public sealed record VerifiedFrame(RegisteredDevice Device, DeviceFrame Frame, FrameAttestation Attestation = FrameAttestation.DeviceSigned);
