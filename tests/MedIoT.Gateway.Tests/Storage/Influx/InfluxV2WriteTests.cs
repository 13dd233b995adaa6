using System.Globalization;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Storage.Influx;

/// <summary>The <c>/api/v2/write</c> path (<c>Gateway:Influx:ApiVersion = V2</c>) against a real VictoriaMetrics.</summary>
public sealed class InfluxV2WriteTests
{
    private const int Beds = 2;
    private const int FramesPerDevice = 20;

    [Fact]
    public async Task Readings_and_their_journal_indexes_arrive_through_the_v2_write_API()
    {
        await using var victoria = await VictoriaMetricsServer.StartAsync();
        await using var ward = await GatewayWards.ChildProcess(Beds).WithoutInflux().StartAsync();
        ward.Settings["Gateway:Influx:Url"] = victoria.BaseAddress.ToString();
        ward.Settings["Gateway:Influx:ApiVersion"] = "V2";
        ward.Settings["Gateway:Influx:Organization"] = "ward7a";
        ward.Settings["Gateway:Influx:Bucket"] = "vitals";
        ward.Settings["Gateway:Influx:Token"] = "test-token";
        await ward.StartGatewayAsync();

        var publishers = ward.Devices.Select(d => new ResilientPublisher(d, ward.Mosquitto.Host, ward.Mosquitto.Port)).ToArray();
        using var stop = new CancellationTokenSource(Ward.Timeout);
        await Task.WhenAll(publishers.Select(p => p.RunAsync(FramesPerDevice, TimeSpan.FromMilliseconds(1), stop.Token)));
        await ward.WaitForAsync(async () =>
        {
            var health = await ward.GetHealthAsync();
            return health.GetProperty("journalSize").GetInt64() == Beds * FramesPerDevice && health.GetProperty("influxLagEntries").GetInt64() == 0;
        }, "every frame written through /api/v2/write");

        // VictoriaMetrics makes fresh rows searchable shortly after they arrive.
        var readings = publishers.Sum(p => p.Acknowledged.Sum(f => f.Observations.Count));
        await ward.WaitForAsync(async () => (await victoria.ExportAsync("{__name__=\"vitals_value\"}")).Sum(s => s.Values.Count) >= readings,
            $"{readings} readings searchable in VictoriaMetrics");
        foreach (var (publisher, device) in publishers.Zip(ward.Devices))
        {
            var series = await victoria.ExportAsync($"{{__name__=\"vitals_value\",device=\"{device.DeviceId}\"}}");
            var stored = series.SelectMany(s => s.TimestampsMilliseconds.Zip(s.Values, (t, v) => (Code: s.Labels["code"], t, v))).ToList();
            var expected = publisher.Acknowledged.SelectMany(f => f.Observations.Select(o =>
                (Code: o.Code.ToString(CultureInfo.InvariantCulture), t: o.TimeUnixNanoseconds / 1_000_000, v: o.Value))).ToList();
            Assert.Equal(expected.Order(), stored.Order());
            Assert.All(series, s => Assert.Equal(device.DeviceId, s.Labels["device"]));
        }

        var journal = await victoria.ExportAsync("{__name__=\"vitals_journal\"}");
        var indexes = journal.SelectMany(s => s.Values).Select(v => (long)v).Distinct().Order();
        Assert.Equal(Enumerable.Range(0, Beds * FramesPerDevice).Select(i => (long)i), indexes);
        Assert.DoesNotContain("fail:", ward.Gateway!.RecentOutput, StringComparison.Ordinal);
    }
}
