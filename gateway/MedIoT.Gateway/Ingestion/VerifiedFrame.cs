using MedIoT.Gateway.Devices;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Ingestion;

/// <summary>A frame whose signature, device and sequence number have been checked.</summary>
/// <param name="Device">The registered device that signed it.</param>
/// <param name="Frame">The frame's content.</param>
public sealed record VerifiedFrame(RegisteredDevice Device, DeviceFrame Frame);
