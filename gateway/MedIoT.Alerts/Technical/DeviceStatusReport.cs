using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Technical;

/// <summary>The status flags a device reports about itself (all of them: a flag absent here is no longer reported).</summary>
/// <param name="Bed">The bed the device is registered to.</param>
/// <param name="DeviceId">The device.</param>
/// <param name="Status">Every flag it currently reports.</param>
public sealed record DeviceStatusReport(BedLocation Bed, string DeviceId, DeviceStatus Status) : AlarmInput;
