using System.Threading.Channels;
using MedIoT.Alerts;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>
/// What the sensors wired to the gateway tell the alert engine besides their readings (docs/attached-sensors.md): a
/// sensor that stops answering or answers again, and the bedside call and answer buttons. One consumer, the alert
/// service, reads them. Bounded at 1024 inputs: a sampling loop or a GPIO callback never waits, so when full the oldest
/// input is dropped and counted in <see cref="Dropped"/> (every input is also logged where it is made).
/// </summary>
public sealed class AttachedSensorEvents
{
    private const int Capacity = 1024;
    private readonly Channel<AlarmInput> _channel;
    private long _dropped;

    public AttachedSensorEvents() =>
        _channel = Channel.CreateBounded<AlarmInput>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
            _ => Interlocked.Increment(ref _dropped));

    /// <summary>Where the alert service reads the inputs, in the order they were made.</summary>
    public ChannelReader<AlarmInput> Reader => _channel.Reader;

    /// <summary>Inputs dropped because nobody read them in time.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Publishes an input; never waits.</summary>
    public void Publish(AlarmInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _channel.Writer.TryWrite(input);
    }
}
