using System.Threading.Channels;
using MedIoT.Ledger.Service.Alarms;
using MedIoT.Ledger.Service.Hosting;
using MedIoT.Testing;
using Microsoft.Extensions.Logging;

namespace MedIoT.Ledger.Service.Tests.Alarms;

public sealed class ForkAlarmPublisherTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task While_the_broker_is_away_the_publisher_retries_after_200_ms_doubling_on_the_injected_clock_until_stopped()
    {
        var clock = new ManualTimeProvider();
        var delays = Channel.CreateUnbounded<int>();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(new ConnectionLostSink(delays.Writer)));
        using var statistics = new LedgerStatistics();
        var options = new LedgerAlarmMqttOptions { Host = "127.0.0.1", Port = FreeTcpPort.Next() };   // nothing listens there
        using var publisher = new ForkAlarmPublisher(options, statistics, clock, loggerFactory);

        await publisher.StartAsync(CancellationToken.None);
        var seen = new List<int>();
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var delay = await delays.Reader.ReadAsync().AsTask().WaitAsync(s_timeout);
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
            while (!await WaitToReadAsync(delays.Reader));
        }

        await publisher.StopAsync(CancellationToken.None).WaitAsync(s_timeout);
        Assert.Equal([200, 400, 800, 1600, 3200, 6400], seen);
        Assert.Equal(0, statistics.AlarmsPublished);
    }

    private static async Task<bool> WaitToReadAsync(ChannelReader<int> reader)
    {
        try
        {
            return await reader.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromMilliseconds(50));
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Hands the delay of every "lost the broker" line (event 109) to the test.</summary>
    private sealed class ConnectionLostSink(ChannelWriter<int> delays) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == LedgerLogEvents.AlarmConnectionLost && state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                delays.TryWrite((int)values.First(v => v.Key == "DelayMilliseconds").Value!);
            }
        }

        public void Dispose()
        {
        }
    }
}
