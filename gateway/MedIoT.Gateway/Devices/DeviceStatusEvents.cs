using System.Threading.Channels;

namespace MedIoT.Gateway.Devices;

/// <summary>
/// The stream of <see cref="DeviceStatusEvent"/>s (disconnected, reconnected, no data, status changed) for one
/// consumer, the alert engine. Bounded at 4096 events: a reading path must never wait on a slow or absent consumer,
/// so when full the oldest event is dropped and counted in <see cref="Dropped"/>. Every event is also logged and
/// counted on the meter, so nothing is lost from the record.
/// </summary>
public sealed class DeviceStatusEvents
{
    private const int Capacity = 4096;
    private readonly Channel<DeviceStatusEvent> _channel;
    private long _dropped;

    public DeviceStatusEvents() =>
        _channel = Channel.CreateBounded<DeviceStatusEvent>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
            _ => Interlocked.Increment(ref _dropped));

    /// <summary>Where the consumer reads the events, in the order they happened per device.</summary>
    public ChannelReader<DeviceStatusEvent> Reader => _channel.Reader;

    /// <summary>Events dropped because nobody read them in time.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Publishes an event; never waits.</summary>
    public void Publish(DeviceStatusEvent statusEvent) => _channel.Writer.TryWrite(statusEvent);
}
