using System.Diagnostics.Metrics;
using System.Globalization;
using MedIoT.Ledger.Service.Alarms;
using MedIoT.Ledger.Service.Hosting;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Ledger.Service.Tests.Alarms;

public sealed class ForkAlarmPublisherTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task While_the_broker_is_away_the_publisher_retries_after_200_ms_doubling_on_the_injected_clock_until_stopped()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var logs = TestLogs.CreateProvider();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var statistics = new LedgerStatistics(meters.GetRequiredService<IMeterFactory>());
        var options = new LedgerAlarmMqttOptions { Host = "127.0.0.1", Port = FreeTcpPort.Next() };   // nothing listens there
        using var publisher = new ForkAlarmPublisher(options, password: null, statistics, clock, loggerFactory);

        await publisher.StartAsync(CancellationToken.None);
        var seen = new List<int>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            await logs.Collector.WaitForAsync(records => Delays(records).Count > seen.Count, s_timeout, "the next \"lost the broker\" line");
            var delay = Delays(logs.Collector.GetSnapshot())[seen.Count];
            seen.Add(delay);
            if (attempt == 5)
            {
                break;
            }

            // The clock may move before the publisher's timer exists: move it again until the next attempt reports.
            var advances = 0;
            do
            {
                clock.Advance(TimeSpan.FromMilliseconds(delay));
                Assert.True(++advances < 600, "the next attempt did not come");
            }
            while (!await logs.Collector.TryWaitForAsync(records => Delays(records).Count > seen.Count, TimeSpan.FromMilliseconds(50)));
        }

        await publisher.StopAsync(CancellationToken.None).WaitAsync(s_timeout);
        Assert.Equal([200, 400, 800, 1600, 3200, 6400], seen);
        Assert.Equal(0, statistics.AlarmsPublished);
    }

    /// <summary>The delay of every "lost the broker" line (event AlarmConnectionLost), in order.</summary>
    private static List<int> Delays(IReadOnlyList<FakeLogRecord> records) =>
    [
        .. records.Where(r => r.Id.Id == LedgerLogEvents.AlarmConnectionLost)
            .Select(r => int.Parse(r.GetStructuredStateValue("DelayMilliseconds")!, CultureInfo.InvariantCulture)),
    ];
}
