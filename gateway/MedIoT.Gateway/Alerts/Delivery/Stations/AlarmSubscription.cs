using System.Threading.Channels;
using MedIoT.Alerts;

namespace MedIoT.Gateway.Alerts.Delivery.Stations;

/// <summary>One station's share of the <see cref="AlarmBroadcast"/>: its bounded queue of messages and its resync flag.</summary>
public sealed class AlarmSubscription : IDisposable
{
    private readonly AlarmBroadcast _broadcast;
    private readonly bool _careTeam;
    private readonly bool _informationTechnology;
    private readonly Channel<AlarmBroadcastMessage> _queue;
    private int _overflowed;
    private long _resyncs;

    internal AlarmSubscription(AlarmBroadcast broadcast, bool careTeam, bool informationTechnology)
    {
        _broadcast = broadcast;
        _careTeam = careTeam;
        _informationTechnology = informationTechnology;
        // Bounded, DropOldest: the engine never waits for a station; a loss is flagged so the station refetches its snapshot.
        _queue = Channel.CreateBounded<AlarmBroadcastMessage>(
            new BoundedChannelOptions(AlarmBroadcast.SubscriberCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
            _ =>
            {
                broadcast.RecordDropped();
                Volatile.Write(ref _overflowed, 1);
            });
    }

    /// <summary>The messages for this subscriber, oldest first.</summary>
    public ChannelReader<AlarmBroadcastMessage> Reader => _queue.Reader;

    /// <summary>How many times this subscriber was told to resync.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>
    /// True once after messages were dropped for this subscriber: what it shows may be out of date, so it must fetch its
    /// snapshot again before applying further messages.
    /// </summary>
    public bool TakeResync()
    {
        if (Interlocked.Exchange(ref _overflowed, 0) == 0)
        {
            return false;
        }

        Interlocked.Increment(ref _resyncs);
        return true;
    }

    /// <summary>Leaves the broadcast.</summary>
    public void Dispose()
    {
        _broadcast.Remove(this);
        _queue.Writer.TryComplete();
    }

    internal bool Wants(AlarmChannel channel) => channel == AlarmChannel.InformationTechnology ? _informationTechnology : _careTeam;

    internal void Offer(AlarmBroadcastMessage message) => _queue.Writer.TryWrite(message);
}
