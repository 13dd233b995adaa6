namespace MedIoT.Alerts.Technical;

/// <summary>A device the engine watches from its start, so that one that stays silent raises <em>device silent</em> on time.</summary>
/// <param name="DeviceId">The device (registered and not revoked).</param>
/// <param name="Bed">The bed it is registered to.</param>
/// <param name="LastHeard">
/// When the device was last heard of: the receive time of its last journaled frame, or the engine's start when it has none.
/// A time after the start is taken as the start.
/// </param>
public sealed record WatchedDevice(string DeviceId, BedLocation Bed, DateTimeOffset LastHeard);
