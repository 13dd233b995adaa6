using MedIoT.Alerts;
using MedIoT.Gateway.Alerts.Delivery.Stations;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Gateway.Tests.Alerts.Delivery;

/// <summary>The broadcast to the stations: per-channel subscriptions, bounded queues that drop their oldest, resync after a loss.</summary>
public sealed class AlarmBroadcastTests
{
    private static readonly BedLocation s_bed = BedLocation.TryCreate("7A", "02", out var bed) ? bed : throw new InvalidOperationException();

    [Fact]
    public void Care_team_messages_reach_care_team_subscribers_and_it_messages_only_it_subscribers()
    {
        var broadcast = new AlarmBroadcast(new FakeTimeProvider());
        using var nurse = broadcast.Subscribe(careTeam: true, informationTechnology: false);
        using var it = broadcast.Subscribe(careTeam: false, informationTechnology: true);

        broadcast.Publish(Message(AlarmChannel.CareTeam, 1));
        broadcast.Publish(Message(AlarmChannel.InformationTechnology, 2));

        Assert.True(nurse.Reader.TryRead(out var toNurse));
        Assert.Equal(AlarmChannel.CareTeam, toNurse.Channel);
        Assert.False(nurse.Reader.TryRead(out _));
        Assert.True(it.Reader.TryRead(out var toIt));
        Assert.Equal(AlarmChannel.InformationTechnology, toIt.Channel);
        Assert.False(it.Reader.TryRead(out _));
        Assert.Equal(2, broadcast.Published);
    }

    [Fact]
    public void A_subscriber_that_does_not_read_loses_its_oldest_messages_is_told_to_resync_once_and_the_loss_is_counted()
    {
        var broadcast = new AlarmBroadcast(new FakeTimeProvider());
        using var slow = broadcast.Subscribe(careTeam: true, informationTechnology: false);
        using var keeping = broadcast.Subscribe(careTeam: true, informationTechnology: false);

        for (var index = 0; index < AlarmBroadcast.SubscriberCapacity + 5; index++)
        {
            broadcast.Publish(Message(AlarmChannel.CareTeam, index));
            if (keeping.Reader.TryRead(out _))
            {
                Assert.False(keeping.TakeResync());
            }
        }

        Assert.Equal(5, broadcast.Dropped);
        Assert.True(slow.TakeResync());
        Assert.False(slow.TakeResync());
        Assert.Equal(1, slow.Resyncs);
        Assert.False(keeping.TakeResync());
        // The newest messages are the ones kept.
        Assert.True(slow.Reader.TryRead(out var oldestKept));
        Assert.Equal(5, oldestKept.Json[0]);
        Assert.Equal(AlarmBroadcast.SubscriberCapacity - 1, slow.Reader.Count);
    }

    [Fact]
    public void A_disposed_subscription_leaves_the_broadcast_and_its_reader_completes()
    {
        var broadcast = new AlarmBroadcast(new FakeTimeProvider());
        var subscription = broadcast.Subscribe(careTeam: true, informationTechnology: true);
        Assert.True(broadcast.HasSubscribers);

        subscription.Dispose();
        broadcast.Publish(Message(AlarmChannel.CareTeam, 1));

        Assert.False(broadcast.HasSubscribers);
        Assert.Equal(0, broadcast.Subscribers);
        Assert.True(subscription.Reader.Completion.IsCompleted);
    }

    private static AlarmBroadcastMessage Message(AlarmChannel channel, int marker) =>
        new(AlarmBroadcastKind.Alarm, channel, channel == AlarmChannel.CareTeam ? s_bed : null, [(byte)marker]);
}
