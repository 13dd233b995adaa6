using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Technical;

/// <summary>What the engine knows about one device: where it is, when it was last heard and what it reports.</summary>
internal sealed class DeviceWatch(string deviceId, BedLocation bed, DateTimeOffset lastHeard)
{
    public string DeviceId { get; } = deviceId;

    public BedLocation Bed { get; set; } = bed;

    public DateTimeOffset LastHeard { get; set; } = lastHeard;

    public bool Silent { get; set; }

    public DeviceStatus Status { get; set; }

    /// <summary>Since when each alarming flag has been reported without a break.</summary>
    public Dictionary<DeviceStatus, DateTimeOffset> FlagSince { get; } = [];
}
