using System.Diagnostics.Metrics;
using MedIoT.Alerts;
using MedIoT.Alerts.Security;
using MedIoT.Gateway.Alerts;
using MedIoT.Gateway.Alerts.Feed;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Ingestion;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Gateway.Tests.Alerts;

/// <summary>The hand-over from ingestion to the alert service.</summary>
public sealed class AlarmFeedTests : IDisposable
{
    private static readonly RegisteredDevice s_device = new("dev-1", "pulse-oximeter", BedLocation.Parse("7A", "03"), null, false, DeviceTrust.GatewayAttested);
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeLogger<AlarmFeed> _logs = TestLogs.CreateLogger<AlarmFeed>();
    private readonly FakeTimeProvider _clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _meters.Dispose();

    [Fact]
    public void A_full_feed_refuses_at_once_counts_every_refusal_and_logs_one_line_per_thousand()
    {
        var (feed, statistics) = Create(capacity: 1_000);
        var frame = IngestionOutcome.Accepted(new VerifiedFrame(s_device, new DeviceFrame("dev-1", 1, [new Observation(150456, 97, "%", 0)])));

        // Nobody reads: the feed fills, and every further Post returns at once (ingestion never waits on alerts).
        for (var i = 0; i < 2_500; i++)
        {
            feed.Observe(frame);
        }

        Assert.Equal(1_000, feed.Pending);
        Assert.Equal(1_500, statistics.FeedRefused);
        Assert.Equal(2, _logs.Collector.GetSnapshot().Count(entry => entry.Id.Id == GatewayLogEvents.AlarmFeedFull));
    }

    [Fact]
    public void Accepted_frames_and_security_rejections_are_posted_and_nothing_else_is()
    {
        var (feed, _) = Create(capacity: 1_000);
        var frame = new VerifiedFrame(s_device, new DeviceFrame("dev-1", 1, [new Observation(150456, 97, "%", 0)]));
        feed.Observe(IngestionOutcome.Accepted(frame));
        feed.Observe(IngestionOutcome.Duplicate("dev-1"));
        feed.Observe(IngestionOutcome.Rejected(FrameRejectionReason.MalformedHeader, "dev-1", "bad JSON"));
        feed.Observe(IngestionOutcome.Rejected(FrameRejectionReason.BadSignature, "dev-1", "signature"));
        feed.Observe(IngestionOutcome.Rejected(FrameRejectionReason.UnknownDevice, "stranger", "unknown"));
        feed.Observe(IngestionOutcome.Rejected(FrameRejectionReason.TopicMismatch, null, "topic"));

        var items = new List<AlarmWork>();
        while (feed.Reader.TryRead(out var work))
        {
            items.Add(work);
        }

        Assert.Equal(4, items.Count);
        Assert.Same(frame, items[0].Frame);
        Assert.Equal(_clock.GetUtcNow(), items[0].ReceivedAt);
        // Only the claimed device id: the registered device's bed (7A/03) is never looked up for a refused frame.
        Assert.Equal(new SecurityEvent(FrameRejectionReason.BadSignature, "dev-1"), items[1].Input);
        Assert.Equal(new SecurityEvent(FrameRejectionReason.UnknownDevice, "stranger"), items[2].Input);
        Assert.Equal(new SecurityEvent(FrameRejectionReason.TopicMismatch, AlarmFeed.UnknownDevice), items[3].Input);
        Assert.Single(FrameReadings.From(items[0].Frame!, items[0].ReceivedAt));
    }

    [Fact]
    public void A_disabled_alert_service_takes_nothing()
    {
        var (feed, statistics) = Create(capacity: 1_000, enabled: false);
        feed.Observe(IngestionOutcome.Rejected(FrameRejectionReason.BadSignature, "dev-1", "signature"));
        Assert.Equal(0, feed.Pending);
        Assert.Equal(0, statistics.FeedRefused);
    }

    private (AlarmFeed Feed, AlarmStatistics Statistics) Create(int capacity, bool enabled = true)
    {
        var statistics = new AlarmStatistics(_meters.GetRequiredService<IMeterFactory>());
        var feed = new AlarmFeed(
            Options.Create(new AlertOptions { InputCapacity = capacity, Enabled = enabled }), _clock, statistics,
            _logs);
        return (feed, statistics);
    }
}
