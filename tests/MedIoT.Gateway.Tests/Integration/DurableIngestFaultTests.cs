using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>
/// Acceptance (issue 6): storage and broker outages in the middle of a stream, against a gateway running as a real child
/// process with real mosquitto and InfluxDB.
/// </summary>
public sealed partial class DurableIngestFaultTests
{
    private const int Beds = 4;
    private const int FramesPerDevice = 400;
    private static readonly TimeSpan s_pace = TimeSpan.FromMilliseconds(4);

    // The project's mosquitto configuration as it is (configs/mosquitto/mosquitto.conf), nothing added.
    private static readonly string[] s_mosquitto = [];

    [Fact]
    public async Task InfluxDB_stopped_mid_stream_gets_every_reading_in_journal_order_and_the_lag_returns_to_zero()
    {
        await using var ward = await GatewayWards.ChildProcess(Beds).WithMosquittoConfiguration(s_mosquitto).StartAsync();
        await using var proxy = new RecordingHttpProxy(ward.Influx.BaseAddress);
        ward.Settings["Gateway:Influx:Url"] = proxy.Address.ToString();
        await ward.StartGatewayAsync();

        var publishers = ward.Devices.Select(d => new ResilientPublisher(d, ward.Mosquitto.Host, ward.Mosquitto.Port)).ToArray();
        using var stop = new CancellationTokenSource(Ward.Timeout);
        var streams = Task.WhenAll(publishers.Select(p => p.RunAsync(FramesPerDevice, s_pace, stop.Token)));
        const int Total = Beds * FramesPerDevice;

        await ward.WaitForAsync(() => proxy.Accepted("/write").Count > 0 && publishers.Sum(p => p.Count) >= Total / 4, "a quarter of the stream stored");
        await ward.Influx.StopAsync();

        // The outage is visible: the journal grows, the writer lags in entries and in seconds.
        await ward.WaitForAsync(async () =>
        {
            var health = await ward.GetHealthAsync();
            return health.GetProperty("influxLagEntries").GetInt64() > 0 && health.GetProperty("influxLagSeconds").GetDouble() >= 0.5
                && publishers.Sum(p => p.Count) >= Total / 2;
        }, "a lag of half a second during the outage");
        await ward.WaitForAsync(() => LagLine().IsMatch(ward.Gateway!.RecentOutput), "a backlog log line showing the lag");
        Assert.True(publishers.Sum(p => p.Count) < Total, "the stream ended before InfluxDB came back");
        await ward.Influx.RestartAsync();

        await streams.WaitAsync(Ward.Timeout);
        await ward.WaitForAsync(async () =>
        {
            var health = await ward.GetHealthAsync();
            return health.GetProperty("journalSize").GetInt64() == Total && health.GetProperty("influxLagEntries").GetInt64() == 0;
        }, "the writer to catch up");
        var final = await ward.GetHealthAsync();
        Assert.Equal(0, final.GetProperty("influxLagSeconds").GetDouble());
        Assert.Equal(Total, final.GetProperty("influxWriterPosition").GetInt64());

        // InfluxDB accepted every point once, in journal order (what the proxy saw it accept, in sequence).
        var indexes = proxy.Accepted("/write")
            .SelectMany(body => JournalField().Matches(Encoding.UTF8.GetString(body)).Select(m => long.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)))
            .ToArray();
        var readings = publishers.Sum(p => p.Acknowledged.Sum(f => f.Observations.Count));
        Assert.Equal(readings, indexes.Length);
        Assert.True(indexes.Zip(indexes.Skip(1)).All(pair => pair.First <= pair.Second), "points arrived out of journal order");
        Assert.Equal(Enumerable.Range(0, Total).Select(i => (long)i), indexes.Distinct());
        Assert.Equal(readings, await ward.CountReadingsAsync());
        await AssertEveryAcknowledgedReadingStoredAsync(ward, publishers);
    }

    [Fact]
    public async Task Mosquitto_restarted_mid_stream_loses_nothing()
    {
        await using var ward = await GatewayWards.ChildProcess(Beds).WithMosquittoConfiguration(s_mosquitto).StartAsync();
        await ward.StartGatewayAsync();
        var publishers = ward.Devices.Select(d => new ResilientPublisher(d, ward.Mosquitto.Host, ward.Mosquitto.Port)).ToArray();
        using var stop = new CancellationTokenSource(Ward.Timeout);
        var streams = Task.WhenAll(publishers.Select(p => p.RunAsync(FramesPerDevice, s_pace, stop.Token)));
        const int Total = Beds * FramesPerDevice;

        await ward.WaitForAsync(async () => publishers.Sum(p => p.Count) >= Total / 3 && await ward.CountReadingsAsync() > 0, "a third of the stream");
        await ward.Mosquitto.RestartAsync();
        Assert.True(publishers.Sum(p => p.Count) < Total, "the stream ended before the broker restarted");

        await streams.WaitAsync(Ward.Timeout);
        var readings = publishers.Sum(p => p.Acknowledged.Sum(f => f.Observations.Count));
        await ward.WaitForAsync(async () => await ward.CountReadingsAsync() >= readings, $"{readings} readings in InfluxDB");
        await AssertEveryAcknowledgedReadingStoredAsync(ward, publishers);
        await ward.Gateway!.StopAsync();

        // Redeliveries after the broker restart were recognised: every frame is journaled once.
        using var log = MerkleLog.Open(Path.Combine(ward.JournalFolder, "log"));
        var entries = JournalChecks.ReadEntries(log);
        Assert.Equal(Total, entries.Count);
        Assert.Equal(Total, entries.Select(e => (e.DeviceId, e.SequenceNumber)).Distinct().Count());
        JournalChecks.AssertConsistentWithEveryCheckpoint(log, ward.JournalFolder, ward.CheckpointKey(), []);
    }

    private static async Task AssertEveryAcknowledgedReadingStoredAsync(Ward ward, IReadOnlyList<ResilientPublisher> publishers)
    {
        foreach (var (publisher, device) in publishers.Zip(ward.Devices))
        {
            var rows = await ward.Influx.QueryAsync(ward.InfluxDatabase, $"SELECT * FROM vitals WHERE device = '{device.DeviceId}'");
            var stored = rows.ToDictionary(r => (r.Columns["code"].GetString(), r.TimeNanoseconds), r => r.Columns["value"].GetDouble());
            var acknowledged = publisher.Acknowledged;
            Assert.Equal(acknowledged.Sum(f => f.Observations.Count), rows.Count);
            foreach (var frame in acknowledged)
            {
                foreach (var observation in frame.Observations)
                {
                    Assert.Equal(observation.Value, stored[(observation.Code.ToString(CultureInfo.InvariantCulture), observation.TimeUnixNanoseconds)]);
                }
            }
        }
    }

    [GeneratedRegex("Backlog: journal [0-9]+ entries, InfluxDB writer at [0-9]+, lag [1-9][0-9]* entries")]
    private static partial Regex LagLine();

    [GeneratedRegex(",journal=([0-9]+)i")]
    private static partial Regex JournalField();
}
