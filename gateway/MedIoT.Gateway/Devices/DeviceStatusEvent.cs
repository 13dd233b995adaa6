using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Devices;

/// <summary>A technical event of one device, for the alert engine (technical alarms, kept apart from physiological ones).</summary>
/// <param name="Device">The registered device (its ward and bed).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Status">The device's self-reported status after the event (<see cref="DeviceStatus.None"/> when unknown).</param>
/// <param name="Time">When the gateway noticed it.</param>
/// <param name="Detail">A short reason, such as why a port went away; never a patient value.</param>
public sealed record DeviceStatusEvent(RegisteredDevice Device, DeviceStatusEventKind Kind, DeviceStatus Status, DateTimeOffset Time, string? Detail);
