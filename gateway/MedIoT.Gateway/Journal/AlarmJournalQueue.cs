using System.Threading.Channels;
using MedIoT.Alerts;

namespace MedIoT.Gateway.Journal;

/// <summary>
/// The bounded hand-over of alarm events from the alert service to the <see cref="JournalWriterService"/> (the journal's
/// only writer). Writing never waits: alarm delivery must not depend on the journal, so an event that finds the queue full
/// is counted and logged by the caller and still delivered.
/// </summary>
public sealed class AlarmJournalQueue
{
    /// <summary>The capacity when none is configured (alarm events are rare: minutes of a busy ward at most).</summary>
    public const int DefaultCapacity = 4096;

    private readonly Channel<AlarmEvent> _channel;

    /// <summary>A queue of <paramref name="capacity"/> events.</summary>
    public AlarmJournalQueue(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _channel = Channel.CreateBounded<AlarmEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full instead of dropping an older event silently
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>Queues <paramref name="alarmEvent"/> for the journal without waiting; false when the queue is full.</summary>
    public bool TryEnqueue(AlarmEvent alarmEvent) => _channel.Writer.TryWrite(alarmEvent);

    internal ChannelReader<AlarmEvent> Reader => _channel.Reader;
}
