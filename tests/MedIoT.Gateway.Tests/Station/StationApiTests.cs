using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Devices;
using MedIoT.Gateway.Station;
using MedIoT.Gateway.Tests.Integration.Alerts;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Station;

/// <summary>
/// The station over HTTP on a real gateway (real mosquitto and influxd, signed frames through the broker), signed in with
/// local API tokens of the accounts file: the overview of the registered beds, the live events with <c>publishedAt</c>
/// and per-role filtering, trends from InfluxDB, refusals, pages under a strict Content-Security-Policy, the assets.
/// </summary>
public sealed partial class StationApiTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    private const string NurseToken = "station-test-nurse-token-0123456789";
    private const string ViewerToken = "station-test-viewer-token-0123456789";
    private const string ItToken = "station-test-it-token-0123456789";
    private const int SpO2 = MdcCodes.OxygenSaturation;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private static readonly Lock s_accountsGate = new();

    [Fact]
    public async Task Signed_out_requests_are_refused_and_only_the_assets_are_served_without_sign_in()
    {
        await using var gateway = await StartAsync();
        using var anonymous = new HttpClient { BaseAddress = gateway.Http.BaseAddress };

        foreach (var path in new[] { "/station/api/overview", "/station/api/it", "/station/api/beds/7A/01/trends?hours=1", "/station/events" })
        {
            using var refused = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var css = await anonymous.GetAsync("/station/assets/station.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Equal(StationAssets.CacheControl, css.Headers.CacheControl?.ToString());
        Assert.Contains(".sign-in", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var script = await anonymous.GetAsync("/station/assets/station.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", script.Headers.GetValues("X-Content-Type-Options").Single());

        using var again = new HttpRequestMessage(HttpMethod.Get, "/station/assets/station.css");
        again.Headers.IfNoneMatch.Add(css.Headers.ETag!);
        using var notModified = await anonymous.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        using var unknown = await anonymous.GetAsync("/station/assets/other.js");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Each_role_sees_only_its_views()
    {
        await using var gateway = await StartAsync();
        using var viewer = Client(gateway, ViewerToken);
        using var it = Client(gateway, ItToken);

        using (var refused = await viewer.GetAsync("/station/api/it"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var refused = await it.GetAsync("/station/api/overview"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        var overview = await viewer.GetFromJsonAsync<JsonElement>("/station/api/overview");
        Assert.False(overview.GetProperty("user").GetProperty("mayAct").GetBoolean());
        Assert.Equal("viewer.vic", overview.GetProperty("user").GetProperty("name").GetString());
        Assert.False(overview.TryGetProperty("securityAlarms", out _));
        var itView = await it.GetFromJsonAsync<JsonElement>("/station/api/it");
        Assert.Equal("ok", itView.GetProperty("health").GetProperty("status").GetString());
        Assert.Contains(itView.GetProperty("devices").EnumerateArray(), device => device.GetProperty("deviceId").GetString() == "test-7a-02-spo2");
    }

    [Fact]
    public async Task The_overview_has_a_tile_for_every_registered_bed_with_its_latest_vitals_and_no_name()
    {
        await using var gateway = await StartAsync();
        using var nurse = Client(gateway, NurseToken);
        var measuredAt = gateway.Clock.GetUtcNow();
        await gateway.SendAsync("test-7a-02-spo2", measuredAt.AddSeconds(-1), (SpO2, 93));
        await gateway.SendAsync("test-7a-02-spo2", measuredAt, (SpO2, 96));

        var overview = await nurse.GetFromJsonAsync<JsonElement>("/station/api/overview");

        var beds = overview.GetProperty("beds").EnumerateArray().Select(tile => tile.GetProperty("ward").GetString() + "/" + tile.GetProperty("bed").GetString()).ToList();
        var registered = ward.Devices.Values.Select(device => device.Ward + "/" + device.Bed).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(registered, beds.Order(StringComparer.Ordinal));
        var tile = overview.GetProperty("beds").EnumerateArray().Single(tile => tile.GetProperty("ward").GetString() == "7A" && tile.GetProperty("bed").GetString() == "02");
        var vital = Assert.Single(tile.GetProperty("vitals").EnumerateArray());
        Assert.Equal(SpO2, vital.GetProperty("code").GetInt32());
        Assert.Equal(96, vital.GetProperty("value").GetDouble());
        Assert.Equal("%", vital.GetProperty("unit").GetString());
        Assert.Equal(measuredAt, vital.GetProperty("measuredAt").GetDateTimeOffset());
        Assert.Contains(tile.GetProperty("devices").EnumerateArray(), device => device.GetProperty("deviceId").GetString() == "test-7a-02-spo2");
        Assert.True(overview.GetProperty("user").GetProperty("mayAct").GetBoolean());
        Assert.DoesNotContain("patient", overview.GetRawText(), StringComparison.OrdinalIgnoreCase);
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_beds_tile_names_body_weight_in_kg_and_shows_an_attached_sensors_fault_as_its_devices_state()
    {
        await using var gateway = await StartAsync();
        using var nurse = Client(gateway, NurseToken);
        await gateway.SendAsync("test-7a-03-spo2", gateway.Clock.GetUtcNow(), (MdcCodes.BodyWeight, 81.5), (MdcCodes.BodyTemperature, 37.2));
        var inputs = gateway.Alerts.InputsProcessed;
        gateway.Service<MedIoT.Gateway.Ingestion.Attached.AttachedSensorEvents>().Publish(
            new MedIoT.Alerts.Technical.AttachedSensorStatus("test-7a-03-spo2", MedIoT.Alerts.BedLocation.Parse("7A", "03"), Working: false));
        await gateway.Alerts.WaitUntilAsync(s => s.InputsProcessed > inputs, s_wait);
        await gateway.AdvanceAsync(TimeSpan.FromSeconds(5));

        var bed = await nurse.GetFromJsonAsync<JsonElement>("/station/api/beds/7A/03");

        var tile = bed.GetProperty("tile");
        var vitals = tile.GetProperty("vitals").EnumerateArray().ToDictionary(vital => vital.GetProperty("code").GetInt32());
        Assert.Equal(("Weight", "kg", "kg", 81.5), (vitals[MdcCodes.BodyWeight].GetProperty("name").GetString(), vitals[MdcCodes.BodyWeight].GetProperty("unit").GetString(),
            vitals[MdcCodes.BodyWeight].GetProperty("displayUnit").GetString(), vitals[MdcCodes.BodyWeight].GetProperty("value").GetDouble()));
        Assert.Equal(("Temp", "°C"), (vitals[MdcCodes.BodyTemperature].GetProperty("name").GetString(), vitals[MdcCodes.BodyTemperature].GetProperty("displayUnit").GetString()));
        var device = Assert.Single(tile.GetProperty("devices").EnumerateArray(), device => device.GetProperty("deviceId").GetString() == "test-7a-03-spo2");
        Assert.Contains("sensor-fault", device.GetProperty("states").EnumerateArray().Select(state => state.GetString()));
        Assert.Contains(tile.GetProperty("alarms").EnumerateArray(), alarm => alarm.GetProperty("condition").GetString() == "sensor-fault/test-7a-03-spo2");
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Pages_carry_a_strict_content_security_policy_the_token_slot_and_no_inline_script()
    {
        await using var gateway = await StartAsync();
        using var nurse = Client(gateway, NurseToken);
        using var it = Client(gateway, ItToken);

        foreach (var (client, path, testIds) in new[]
        {
            (nurse, "/station", new[] { "connection-lost", "sound-off", "enable-sound", "tiles", "sign-out" }),
            (nurse, "/station/beds/7A/02", new[] { "connection-lost", "sound-off", "trends", "news2", "observation-form", "alarm-history" }),
            (it, "/station/it", new[] { "connection-lost", "health", "devices", "security-alarms" }),
        })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.StartsWith("default-src 'self'; script-src 'self';", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
            var html = await response.Content.ReadAsStringAsync();
            // Over plain HTTP (this test) the Secure anti-forgery cookie cannot be set: the page's token is empty.
            Assert.Contains("<meta name=\"csrf-token\" content=\"\">", html, StringComparison.Ordinal);
            Assert.All(ScriptTag().Matches(html), tag => Assert.Contains(" src=\"/station/assets/", tag.Value, StringComparison.Ordinal));
            Assert.Empty(EventHandlerAttribute().Matches(html));
            foreach (var testId in testIds)
            {
                Assert.Contains($"data-testid=\"{testId}\"", html, StringComparison.Ordinal);
            }
        }

        // A viewer's bed view has no staff form.
        using var viewer = Client(gateway, ViewerToken);
        Assert.DoesNotContain("observation-form", await viewer.GetStringAsync("/station/beds/7A/02"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/station/api/beds/7A/99", HttpStatusCode.NotFound, "unknown-bed")]
    [InlineData("/station/api/beds/9Z/01/trends?hours=1", HttpStatusCode.NotFound, "unknown-bed")]
    [InlineData("/station/api/beds/7A/01/alarm-history", HttpStatusCode.OK, null)]
    [InlineData("/station/api/beds/7A/bad%20bed", HttpStatusCode.BadRequest, "bad-place")]
    [InlineData("/station/api/beds/7A/01/trends?hours=2", HttpStatusCode.BadRequest, "bad-hours")]
    [InlineData("/station/api/beds/7A/01/trends?hours=one", HttpStatusCode.BadRequest, "bad-hours")]
    [InlineData("/station/api/beds/7A/01/trends", HttpStatusCode.BadRequest, "bad-hours")]
    [InlineData("/station/api/beds/7A/01/trends?hours=1&hours=4", HttpStatusCode.BadRequest, "bad-hours")]
    [InlineData("/station/api/beds/7A/01/trends?hours=1&ward=7B", HttpStatusCode.BadRequest, "bad-hours")]
    [InlineData("/station/beds/7A/99", HttpStatusCode.NotFound, "unknown-bed")]
    public async Task Unknown_beds_are_404_and_malformed_places_and_hours_are_400_counted(string path, HttpStatusCode status, string? reason)
    {
        await using var gateway = await StartAsync();
        using var nurse = Client(gateway, NurseToken);
        var statistics = gateway.Service<StationStatistics>();

        using var response = await nurse.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        if (reason is null)
        {
            Assert.Equal(0, statistics.Refused);
            return;
        }

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(reason, problem.RootElement.GetProperty("reason").GetString());
        Assert.Equal(1, statistics.Refused);
        Assert.Single(gateway.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.StationRequestRefused);
    }

    [Fact]
    public async Task A_beds_trends_come_from_influxdb_raw_for_the_hour_and_averaged_for_longer_windows()
    {
        await using var gateway = await StartAsync();
        using var nurse = Client(gateway, NurseToken);
        var now = TimeProvider.System.GetUtcNow();
        var minute = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        await WriteVitalsAsync(
            ("03", SpO2, 97, minute.AddMinutes(-20)), ("03", SpO2, 94, minute.AddMinutes(-20).AddSeconds(10)), ("03", SpO2, 91, minute.AddMinutes(-10)),
            ("04", SpO2, 50, minute.AddMinutes(-10)));

        var hour = await nurse.GetFromJsonAsync<JsonElement>("/station/api/beds/7A/03/trends?hours=1");
        var fourHours = await nurse.GetFromJsonAsync<JsonElement>("/station/api/beds/7A/03/trends?hours=4");

        var raw = Assert.Single(hour.GetProperty("series").EnumerateArray());
        Assert.Equal(SpO2, raw.GetProperty("code").GetInt32());
        Assert.Equal("%", raw.GetProperty("unit").GetString());
        Assert.Equal([97.0, 94.0, 91.0], raw.GetProperty("points").EnumerateArray().Select(point => point[1].GetDouble()));
        Assert.Equal(JsonValueKind.Null, hour.GetProperty("intervalSeconds").ValueKind);
        var averaged = Assert.Single(fourHours.GetProperty("series").EnumerateArray());
        Assert.Equal(30, fourHours.GetProperty("intervalSeconds").GetInt32());
        Assert.Equal([95.5, 91.0], averaged.GetProperty("points").EnumerateArray().Select(point => point[1].GetDouble()));
    }

    [Fact]
    public async Task Trends_while_influxdb_cannot_be_reached_are_a_503_that_says_so_logged_once()
    {
        await using var gateway = await StartAsync(new Dictionary<string, string> { ["Gateway:Influx:Url"] = $"http://127.0.0.1:{FreeTcpPort.Next()}/" });
        using var nurse = Client(gateway, NurseToken);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var response = await nurse.GetAsync("/station/api/beds/7A/01/trends?hours=24");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("trends-unavailable", problem.RootElement.GetProperty("reason").GetString());
            Assert.Contains("InfluxDB cannot be reached", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var history = await nurse.GetAsync("/station/api/beds/7A/01/alarm-history");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, history.StatusCode);
        Assert.Single(gateway.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.StationQueryUnavailable && entry.Message.Contains("trends", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_live_events_bring_an_alarm_with_its_publication_time_the_beds_new_state_and_who_acknowledged_it()
    {
        await using var gateway = await StartAsync();
        using var nurse = Client(gateway, NurseToken);
        await using var events = await StationEventReader.OpenAsync(nurse);
        var skipped = new List<(string, JsonElement)>();

        var before = TimeProvider.System.GetUtcNow();
        await RaiseLowSaturationAsync(gateway, "test-7a-01-spo2");
        var (_, raised) = await events.NextAsync((name, data) => name == "alarm" && data.GetProperty("event").GetString() == "raised", skipped, s_wait);
        var (_, state) = await events.NextAsync((name, data) => name == "bed" && data.GetProperty("bed").GetString() == "01", skipped, s_wait);

        Assert.Equal("2000", events.Retry);
        Assert.Equal("mediot.alarm-event/1", raised.GetProperty("schema").GetString());
        Assert.Equal("vital-below/150456", raised.GetProperty("alarm").GetProperty("condition").GetString());
        Assert.Equal("high", raised.GetProperty("alarm").GetProperty("priority").GetString());
        var publishedAt = raised.GetProperty("publishedAt").GetDateTimeOffset();
        Assert.InRange(publishedAt, before.AddSeconds(-1), TimeProvider.System.GetUtcNow().AddSeconds(1));
        var alarmId = raised.GetProperty("alarm").GetProperty("id").GetInt64();
        Assert.Contains(state.GetProperty("alarms").EnumerateArray(), alarm => alarm.GetProperty("id").GetInt64() == alarmId);

        // A viewer may not acknowledge; the nurse does, as herself, and every station hears who.
        using var viewer = Client(gateway, ViewerToken);
        using (var refused = await viewer.PostAsync($"/alarms/{alarmId}/acknowledge", JsonContent.Create(new { })))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var acknowledged = await nurse.PostAsync($"/alarms/{alarmId}/acknowledge", JsonContent.Create(new { })))
        {
            Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        }

        var (_, acknowledgement) = await events.NextAsync((name, data) => name == "alarm" && data.GetProperty("event").GetString() == "acknowledged", skipped, s_wait);
        Assert.Equal(alarmId, acknowledgement.GetProperty("alarm").GetProperty("id").GetInt64());
        Assert.Equal("nurse.jones", acknowledgement.GetProperty("alarm").GetProperty("acknowledgedBy").GetString());
        Assert.True(gateway.Service<StationStatistics>().EventsSent >= 3);
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Security_alarms_go_to_it_only_and_care_team_alarms_to_the_ward_only()
    {
        await using var gateway = await StartAsync();
        using var viewerClient = Client(gateway, ViewerToken);
        using var itClient = Client(gateway, ItToken);
        await using var viewer = await StationEventReader.OpenAsync(viewerClient);
        await using var it = await StationEventReader.OpenAsync(itClient);
        var viewerSaw = new List<(string Event, JsonElement Data)>();
        var itSaw = new List<(string Event, JsonElement Data)>();

        // A frame for bed 02's oximeter signed with another key: a security alarm on the IT channel.
        using var wrongKey = Ed25519PrivateKey.Generate();
        var frame = new DeviceFrame("test-7a-02-spo2", 1, [new Observation(SpO2, 60, "%", 0)]);
        await using (var device = await SimulatedDevice.ConnectAsync(
            ward.Devices["test-7a-02-spo2"], ward.Mosquitto.Host, ward.Mosquitto.Port, TimeProvider.System, null, CancellationToken.None))
        {
            await device.PublishRawAsync(JwsFrameEncoder.Encode(frame, wrongKey), CancellationToken.None);
        }

        var (_, security) = await it.NextAsync((name, data) => name == "alarm", itSaw, s_wait);
        Assert.Equal("it", security.GetProperty("alarm").GetProperty("channel").GetString());

        // Then a care-team alarm: the viewer's stream, in order, brings it without the security alarm before it.
        await RaiseLowSaturationAsync(gateway, "test-7a-01-spo2");
        var (_, careTeam) = await viewer.NextAsync((name, data) => name == "alarm", viewerSaw, s_wait);
        Assert.Equal("care-team", careTeam.GetProperty("alarm").GetProperty("channel").GetString());
        Assert.DoesNotContain(viewerSaw, message => message.Data.TryGetProperty("alarm", out var alarm) && alarm.GetProperty("channel").GetString() == "it");

        // And the IT stream never carries it: its next message is no care-team alarm.
        var overview = await viewerClient.GetFromJsonAsync<JsonElement>("/station/api/overview");
        Assert.False(overview.TryGetProperty("securityAlarms", out _));
        var itView = await itClient.GetFromJsonAsync<JsonElement>("/station/api/it");
        Assert.Contains(itView.GetProperty("securityAlarms").EnumerateArray(), alarm => alarm.GetProperty("condition").GetString() == "security/BadSignature/test-7a-02-spo2");
        Assert.DoesNotContain(itSaw, message => message.Data.TryGetProperty("alarm", out var alarm) && alarm.GetProperty("channel").GetString() == "care-team");
    }

    private async Task<AlertGateway> StartAsync(IReadOnlyDictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Gateway:Access:AccountsPath"] = AccountsFile(),
            ["Gateway:Access:KeysFolder"] = ward.Combine("access-keys-" + Guid.NewGuid().ToString("N")),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return await ward.StartGatewayAsync(settings);
    }

    private static HttpClient Client(AlertGateway gateway, string token) => new()
    {
        BaseAddress = gateway.Http.BaseAddress,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
    };

    /// <summary>The ward's accounts file: three API tokens (docs/accounts.md), owner-only.</summary>
    private string AccountsFile()
    {
        var path = ward.Combine("station-accounts.json");
        lock (s_accountsGate)
        {
            if (!File.Exists(path))
            {
                static string Token(string name, string role, string token) =>
                    $$"""{ "name": "{{name}}", "roles": ["{{role}}"], "sha256": "{{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))}}" }""";
                File.WriteAllText(path, $$"""{ "people": [], "tokens": [{{Token("nurse.jones", "nurse", NurseToken)}}, {{Token("viewer.vic", "viewer", ViewerToken)}}, {{Token("it.ivy", "it", ItToken)}}] }""");
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
        }

        return path;
    }

    /// <summary>SpO2 80 % for 10 s on the alert clock: the shipped rules' high low-saturation alarm.</summary>
    private static async Task RaiseLowSaturationAsync(AlertGateway gateway, string deviceId)
    {
        for (var second = 0; second <= 10; second++)
        {
            await gateway.SendAsync(deviceId, gateway.Clock.GetUtcNow(), (SpO2, 80));
            if (second < 10)
            {
                await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
            }
        }
    }

    private async Task WriteVitalsAsync(params (string Bed, int Code, double Value, DateTimeOffset At)[] points)
    {
        using var http = new HttpClient { BaseAddress = ward.Influx.BaseAddress };
        var lines = points.Select(point => string.Create(CultureInfo.InvariantCulture,
            $"vitals,bed={point.Bed},code={point.Code},device=test-7a-{point.Bed}-spo2,ward=7A value={point.Value},seq=1i,journal=1i,unit=\"%\" {(point.At.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100}"));
        using var content = new StringContent(string.Join('\n', lines), Encoding.UTF8);
        using var response = await http.PostAsync($"write?db={ward.InfluxDatabase}&precision=ns", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTag();

    /// <summary>An inline event handler (onclick=...), which the policy would block anyway.</summary>
    [GeneratedRegex(@"<[a-z]+\s[^>]*?\son[a-z]+=")]
    private static partial Regex EventHandlerAttribute();
}
