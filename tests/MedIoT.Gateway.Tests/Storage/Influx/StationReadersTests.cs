using System.Globalization;
using System.Text;
using MedIoT.Alerts;
using MedIoT.Gateway.Storage.Influx;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Storage.Influx;

/// <summary>
/// The station's InfluxQL readers against a real influxd: raw points for the last hour, means per interval for longer
/// windows, only the bed asked for, the alarm history newest first; an unreachable or write-only endpoint is an outcome,
/// never an exception.
/// </summary>
public sealed class StationReadersTests : IAsyncLifetime
{
    private const string Database = "mediot_station";
    private static readonly DateTimeOffset s_now = TimeProvider.System.GetUtcNow();
    private InfluxServer? _influx;

    public async Task InitializeAsync()
    {
        _influx = await InfluxServer.StartAsync();
        await _influx.CreateDatabaseAsync(Database);
    }

    public async Task DisposeAsync()
    {
        if (_influx is not null)
        {
            await _influx.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_last_hour_is_every_stored_point_of_the_bed_oldest_first()
    {
        var (reader, _) = Readers(_influx!.BaseAddress);
        await WriteAsync(
            Vital("7A", "02", MdcCodes.OxygenSaturation, 97, s_now.AddMinutes(-50)),
            Vital("7A", "02", MdcCodes.OxygenSaturation, 95, s_now.AddMinutes(-10)),
            Vital("7A", "02", MdcCodes.OxygenSaturation, 93, s_now.AddMinutes(-30)),
            Vital("7A", "02", MdcCodes.PulseRateOximeter, 72, s_now.AddMinutes(-5)),
            // Another bed, a bed whose name begins the same, and a point outside the hour: none of them belongs here.
            Vital("7A", "03", MdcCodes.OxygenSaturation, 50, s_now.AddMinutes(-5)),
            Vital("7A", "02b", MdcCodes.OxygenSaturation, 51, s_now.AddMinutes(-5)),
            Vital("7A", "02", MdcCodes.OxygenSaturation, 52, s_now.AddMinutes(-90)));
        Assert.True(TrendWindow.TryGet(1, out var hour));

        var (trends, result) = await reader.ReadAsync(Bed("7A", "02"), hour, s_now, CancellationToken.None);

        Assert.Equal(InfluxQueryOutcome.Answered, result.Outcome);
        Assert.Equal([MdcCodes.PulseRateOximeter, MdcCodes.OxygenSaturation], trends.Select(trend => trend.MdcCode));
        var saturation = trends.Single(trend => trend.MdcCode == MdcCodes.OxygenSaturation);
        Assert.Equal("%", saturation.Unit);
        Assert.Equal([97.0, 93.0, 95.0], saturation.Points.Select(point => point.Value));
        Assert.Equal(s_now.AddMinutes(-50).ToUnixTimeMilliseconds(), saturation.Points[0].UnixMilliseconds);
    }

    [Fact]
    public async Task Longer_windows_are_the_mean_of_each_interval()
    {
        var (reader, _) = Readers(_influx!.BaseAddress);
        // Two points in one 30 s interval, one in another, two hours ago (inside the 4 h window, outside the 1 h one).
        var start = new DateTimeOffset(s_now.Ticks - s_now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddHours(-2);
        await WriteAsync(
            Vital("7A", "04", MdcCodes.HeartRateEcg, 60, start.AddSeconds(1)),
            Vital("7A", "04", MdcCodes.HeartRateEcg, 80, start.AddSeconds(20)),
            Vital("7A", "04", MdcCodes.HeartRateEcg, 100, start.AddSeconds(40)));
        Assert.True(TrendWindow.TryGet(4, out var fourHours));
        Assert.True(TrendWindow.TryGet(1, out var hour));

        var (trends, _) = await reader.ReadAsync(Bed("7A", "04"), fourHours, s_now, CancellationToken.None);
        var (recent, _) = await reader.ReadAsync(Bed("7A", "04"), hour, s_now, CancellationToken.None);

        var heartRate = Assert.Single(trends);
        Assert.Equal([70.0, 100.0], heartRate.Points.Select(point => point.Value));
        Assert.Equal(start.ToUnixTimeMilliseconds(), heartRate.Points[0].UnixMilliseconds);
        Assert.Equal(start.AddSeconds(30).ToUnixTimeMilliseconds(), heartRate.Points[1].UnixMilliseconds);
        Assert.Empty(recent);
    }

    [Fact]
    public async Task The_alarm_history_is_the_beds_events_newest_first_with_who_acknowledged()
    {
        var (_, history) = Readers(_influx!.BaseAddress);
        var raised = s_now.AddMinutes(-20);
        await WriteAsync(
            Alarm("7A", "05", 7, "raised", "high", "vital-below/150456", raised, null),
            Alarm("7A", "05", 7, "acknowledged", "high", "vital-below/150456", raised.AddMinutes(1), "nurse.jones"),
            Alarm("7A", "06", 8, "raised", "medium", "news2", raised, null));

        var (events, result) = await history.ReadAsync(Bed("7A", "05"), s_now, CancellationToken.None);

        Assert.Equal(InfluxQueryOutcome.Answered, result.Outcome);
        Assert.Equal(["acknowledged", "raised"], events.Select(stored => stored.Kind));
        Assert.All(events, stored => Assert.Equal(7, stored.AlarmId));
        Assert.Equal("nurse.jones", events[0].AcknowledgedBy);
        Assert.Equal("high", events[0].Priority);
        Assert.Equal("vital-below/150456", events[1].Condition);
        Assert.Null(events[1].AcknowledgedBy);
    }

    [Fact]
    public async Task An_unreachable_influxdb_is_an_outcome_not_an_exception()
    {
        var (reader, history) = Readers(new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}/"));
        Assert.True(TrendWindow.TryGet(1, out var hour));

        var (trends, result) = await reader.ReadAsync(Bed("7A", "02"), hour, s_now, CancellationToken.None);
        var (events, historyResult) = await history.ReadAsync(Bed("7A", "02"), s_now, CancellationToken.None);

        Assert.Equal(InfluxQueryOutcome.Unreachable, result.Outcome);
        Assert.Contains("cannot be reached", result.Problem, StringComparison.Ordinal);
        Assert.Empty(trends);
        Assert.Equal(InfluxQueryOutcome.Unreachable, historyResult.Outcome);
        Assert.Empty(events);
    }

    [Fact]
    public async Task A_write_only_endpoint_that_answers_every_query_with_its_databases_says_it_has_no_query_api()
    {
        await using var victoria = await VictoriaMetricsServer.StartAsync();
        var (reader, _) = Readers(victoria.BaseAddress, InfluxApiVersion.V2);
        Assert.True(TrendWindow.TryGet(1, out var hour));

        var (trends, result) = await reader.ReadAsync(Bed("7A", "02"), hour, s_now, CancellationToken.None);

        Assert.Equal(InfluxQueryOutcome.NoQueryApi, result.Outcome);
        Assert.Empty(trends);
    }

    private static (VitalTrendReader Trends, AlarmHistoryReader History) Readers(Uri url, InfluxApiVersion version = InfluxApiVersion.V1)
    {
        var options = Options.Create(new InfluxOptions { Url = url, Database = Database, Bucket = Database, ApiVersion = version });
        var factory = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        var client = new InfluxQueryClient(factory, options);
        return (new VitalTrendReader(client, options), new AlarmHistoryReader(client));
    }

    private static BedLocation Bed(string ward, string bed) => BedLocation.TryCreate(ward, bed, out var place) ? place : throw new ArgumentException(bed);

    private static string Vital(string ward, string bed, int code, double value, DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture,
        $"vitals,bed={bed},code={code},device=dev-{bed},ward={ward} value={value},seq=1i,journal=1i,unit=\"%\" {Nanoseconds(at)}");

    private static string Alarm(string ward, string bed, long id, string kind, string priority, string condition, DateTimeOffset at, string? by) => string.Create(CultureInfo.InvariantCulture,
        $"alarms,bed={bed},category=physiological,channel=care-team,condition={condition},kind={kind},priority={priority},ward={ward} alarm_id={id}i,escalation=0i,journal=1i{(by is null ? string.Empty : $",acknowledged_by=\"{by}\"")} {Nanoseconds(at)}");

    private static long Nanoseconds(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private async Task WriteAsync(params string[] lines)
    {
        using var http = new HttpClient { BaseAddress = _influx!.BaseAddress };
        using var content = new StringContent(string.Join('\n', lines), Encoding.UTF8);
        using var response = await http.PostAsync($"write?db={Database}&precision=ns", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
