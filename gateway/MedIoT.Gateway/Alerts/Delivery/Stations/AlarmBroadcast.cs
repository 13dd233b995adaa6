namespace MedIoT.Gateway.Alerts.Delivery.Stations;

/// <summary>
/// Hands every alarm event and every change of a place's alarms to the open stations (the station's live events,
/// docs/station.md). The alert service publishes from its single consumer and is never held up: each subscriber has
/// its own bounded queue that drops its oldest message when full (a station that stopped reading must not grow the
/// gateway's memory nor slow the engine); a subscriber that lost messages is told to fetch its snapshot again
/// (<see cref="AlarmSubscription.TakeResync"/>), and the loss is counted.
/// </summary>
public sealed class AlarmBroadcast(TimeProvider timeProvider)
{
    /// <summary>How many messages wait for one subscriber before its oldest is dropped: minutes of a busy ward's alarms.</summary>
    public const int SubscriberCapacity = 1024;

    private readonly Lock _gate = new();
    private AlarmSubscription[] _subscribers = [];
    private long _dropped;
    private long _published;

    /// <summary>Whether anyone listens; the alert service builds the station documents only then.</summary>
    public bool HasSubscribers => Volatile.Read(ref _subscribers).Length > 0;

    /// <summary>Open subscriptions.</summary>
    public int Subscribers => Volatile.Read(ref _subscribers).Length;

    /// <summary>Messages dropped from full subscriber queues since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Messages handed to the subscribers since start (one per message, whatever the number of subscribers).</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>The gateway's clock, which stamps <c>publishedAt</c>: the moment an event is handed to delivery.</summary>
    public DateTimeOffset Now => timeProvider.GetUtcNow();

    /// <summary>Opens a subscription to the messages of the channels given; dispose it to leave.</summary>
    public AlarmSubscription Subscribe(bool careTeam, bool informationTechnology)
    {
        var subscription = new AlarmSubscription(this, careTeam, informationTechnology);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    /// <summary>Offers a message to every subscriber of its channel; never waits.</summary>
    public void Publish(AlarmBroadcastMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Interlocked.Increment(ref _published);
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if (subscriber.Wants(message.Channel))
            {
                subscriber.Offer(message);
            }
        }
    }

    internal void RecordDropped() => Interlocked.Increment(ref _dropped);

    internal void Remove(AlarmSubscription subscription)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(existing => existing != subscription)];
        }
    }
}
