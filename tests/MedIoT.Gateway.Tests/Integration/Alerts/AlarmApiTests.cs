using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>The alarm HTTP API: strict parsing (400, counted, logged without values), 404 for unknown beds and alarms, NEWS2 with provenance.</summary>
public sealed class AlarmApiTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    // A value that must never reach the log.
    private const string Marker = "Zebra-7731";

    public static TheoryData<string, string?, string, string> BadObservations() => new()
    {
        { "text/plain", "{\"onOxygen\":true}", "not-json", "Content-Type" },
        { "application/json", "{\"onOxygen\":true,", "bad-json", "not valid JSON" },
        { "application/json", "[\"" + Marker + "\"]", "not-an-object", "JSON object" },
        { "application/json", "{\"onOxygen\":true,\"heartRate\":\"" + Marker + "\"}", "unknown-member", "allowed" },
        { "application/json", "{\"staffId\":\"n1\",\"onOxygen\":true}", "staff-id-from-sign-in", "signed-in identity" },
        { "application/json", "{\"staffId\":\"" + Marker + " <script>\",\"onOxygen\":true}", "staff-id-from-sign-in", "signed-in identity" },
        { "application/json", "{\"consciousness\":\"" + Marker + "\"}", "bad-consciousness", "ACVPU" },
        { "application/json", "{\"onOxygen\":\"yes\"}", "bad-on-oxygen", "true or false" },
        { "application/json", "{\"spo2Scale\":3}", "bad-spo2-scale", "1 or 2" },
        { "application/json", "{}", "no-observation", "at least one" },
        { "application/json", "{\"onOxygen\":true,\"onOxygen\":false}", "repeated-member", "twice" },
        { "application/json", null, "not-json", "Content-Type" },
        { "application/json", "{\"onOxygen\":true,\"observedAt\":\"" + Marker + "\"}", "bad-observed-at", "RFC 3339" },
        { "application/json", "{\"onOxygen\":true,\"observedAt\":\"2026-03-01T08:00:00\"}", "bad-observed-at", "offset" },
        { "application/json", "{\"onOxygen\":true,\"observedAt\":1772352000}", "bad-observed-at", "RFC 3339" },
    };

    [Theory]
    [MemberData(nameof(BadObservations))]
    public async Task A_bad_observation_body_is_a_400_problem_counted_and_logged_without_its_values(string contentType, string? body, string reason, string detail)
    {
        await using var gateway = await ward.StartGatewayAsync();
        using var content = body is null ? null : new StringContent(body, Encoding.UTF8, contentType);
        if (content is not null && contentType == "application/json")
        {
            content.Headers.ContentType!.CharSet = null;
        }

        using var response = await gateway.As("nurse.jones").PostAsync("/beds/7A/01/observations", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(reason, problem.RootElement.GetProperty("reason").GetString());
        Assert.Contains(detail, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, problem.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(1, gateway.Alerts.BadRequests);
        var logged = Assert.Single(gateway.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.AlarmApiRequestRejected);
        Assert.Contains(reason, logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(gateway.Logs.GetSnapshot(), entry => entry.Message.Contains(Marker, StringComparison.Ordinal));
        Assert.Equal(0, gateway.Alerts.InputsProcessed);
        gateway.Logs.AssertNoErrors();
    }

    [Theory]
    [InlineData("{\"onOxygen\":true}", "unknown-member")]
    [InlineData("{\"staffId\":\"nurse.smith\"}", "staff-id-from-sign-in")]
    [InlineData("{\"staffId\":null}", "staff-id-from-sign-in")]
    [InlineData("{\"staffId\":\"n1\",\"staffId\":\"n2\"}", "staff-id-from-sign-in")]
    [InlineData("{", "bad-json")]
    [InlineData("[\"n1\"]", "not-an-object")]
    public async Task A_bad_acknowledgement_body_is_a_400_problem_named_for_the_acknowledge_request(string body, string reason)
    {
        await using var gateway = await ward.StartGatewayAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await gateway.As("nurse.jones").PostAsync("/alarms/1/acknowledge", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(reason, problem.RootElement.GetProperty("reason").GetString());
        Assert.Equal(1, gateway.Alerts.BadRequests);
        Assert.Equal(0, gateway.Alerts.InputsProcessed);
    }

    [Fact]
    public async Task The_same_refusal_twice_is_counted_twice_and_logged_once()
    {
        await using var gateway = await ward.StartGatewayAsync();
        for (var i = 0; i < 2; i++)
        {
            using var response = await gateway.ObserveAsync("7A", "01", new { });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(2, gateway.Alerts.BadRequests);
        Assert.Single(gateway.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.AlarmApiRequestRejected);
    }

    [Theory]
    [InlineData("POST", "/beds/7A/99/observations", HttpStatusCode.NotFound, "unknown-bed")]
    [InlineData("GET", "/beds/9Z/01/news2", HttpStatusCode.NotFound, "unknown-bed")]
    [InlineData("GET", "/beds/7A/bad%20bed/news2", HttpStatusCode.BadRequest, "bad-place")]
    [InlineData("POST", "/alarms/4242/acknowledge", HttpStatusCode.NotFound, "alarm-not-found")]
    [InlineData("POST", "/alarms/-1/acknowledge", HttpStatusCode.BadRequest, "bad-alarm-id")]
    [InlineData("POST", "/alarms/abc/acknowledge", HttpStatusCode.BadRequest, "bad-alarm-id")]
    [InlineData("GET", "/alarms?bed=01", HttpStatusCode.BadRequest, "bad-place")]
    [InlineData("GET", "/alarms?ward=7A&colour=red", HttpStatusCode.BadRequest, "unknown-query-parameter")]
    [InlineData("GET", "/alarms?channel=nurses", HttpStatusCode.BadRequest, "bad-channel")]
    public async Task Unknown_beds_and_alarms_are_404_and_malformed_places_and_ids_are_400(string method, string path, HttpStatusCode status, string reason)
    {
        await using var gateway = await ward.StartGatewayAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = path.StartsWith("/alarms/", StringComparison.Ordinal) ? null : JsonContent.Create(new { onOxygen = true });
        }

        using var response = await gateway.As("nurse.jones").SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(reason, problem.RootElement.GetProperty("reason").GetString());
        gateway.Logs.AssertNoErrors();
    }

    /// <summary>
    /// A nurse charting late gives <c>observedAt</c>: the observation counts from then (its NEWS2 parameter carries that
    /// time), within 60 minutes back and 60 s ahead of the gateway's (alert) clock; outside, a clear 400 and nothing recorded.
    /// </summary>
    [Fact]
    public async Task An_observation_charted_late_carries_its_observed_time_within_the_bounded_skew()
    {
        await using var gateway = await ward.StartGatewayAsync();
        var now = gateway.Clock.GetUtcNow();
        var tenMinutesAgo = now.AddMinutes(-10);

        using (var late = await gateway.ObserveAsync("7A", "04", new { consciousness = "C", observedAt = tenMinutesAgo.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture) }))
        {
            Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        }

        var news2 = await gateway.Http.GetFromJsonAsync<JsonElement>("/beds/7A/04/news2");
        var consciousness = news2.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("parameter").GetString() == "consciousness");
        Assert.Equal(tenMinutesAgo, consciousness.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(3, consciousness.GetProperty("score").GetInt32());

        foreach (var outside in new[] { now.AddMinutes(-61), now.AddSeconds(61) })
        {
            using var refused = await gateway.ObserveAsync("7A", "05", new { onOxygen = true, observedAt = outside.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("observed-at-out-of-range", problem.RootElement.GetProperty("reason").GetString());
            Assert.Contains("60 minutes before and 60 s after", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var untouched = await gateway.Http.GetFromJsonAsync<JsonElement>("/beds/7A/05/news2");
        Assert.Equal(JsonValueKind.Null, untouched.GetProperty("score").ValueKind);
        Assert.Equal(2, gateway.Alerts.BadRequests);
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Staff_observations_feed_news2_which_names_who_supplied_each_parameter()
    {
        await using var gateway = await ward.StartGatewayAsync();
        using (var response = await gateway.ObserveAsync("7A", "03", new { spo2Scale = 2, consciousness = "V", onOxygen = true }, "dr.patel"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await gateway.SendAsync("test-7a-03-spo2", gateway.Clock.GetUtcNow(), (MdcCodes.OxygenSaturation, 90), (MdcCodes.PulseRateOximeter, 75));
        var news2 = await gateway.Http.GetFromJsonAsync<JsonElement>("/beds/7A/03/news2");

        Assert.Equal(2, news2.GetProperty("spo2Scale").GetInt32());
        Assert.Equal("dr.patel", news2.GetProperty("spo2ScaleSetBy").GetString());
        var parameters = news2.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("parameter").GetString()!);
        Assert.Equal(3, parameters["consciousness"].GetProperty("score").GetInt32());
        Assert.Equal("dr.patel", parameters["consciousness"].GetProperty("source").GetString());
        Assert.Equal(2, parameters["airOrOxygen"].GetProperty("score").GetInt32());
        // Scale 2: 88-92 % scores 0.
        Assert.Equal(0, parameters["oxygenSaturation"].GetProperty("score").GetInt32());
        Assert.Equal("test-7a-03-spo2", parameters["oxygenSaturation"].GetProperty("source").GetString());
        Assert.Equal(0, parameters["pulse"].GetProperty("score").GetInt32());
        Assert.Equal(5, news2.GetProperty("score").GetInt32());
        Assert.False(news2.GetProperty("complete").GetBoolean());
        Assert.Equal(["respirationRate", "systolicBloodPressure", "temperature"], news2.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));

        // A registered bed the engine has heard nothing about: no score yet, everything missing.
        var empty = await gateway.Http.GetFromJsonAsync<JsonElement>("/beds/7A/08/news2");
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("score").ValueKind);
        Assert.Equal(7, empty.GetProperty("missing").GetArrayLength());
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task The_alarm_list_filters_by_ward_and_bed_and_a_second_acknowledgement_is_a_conflict()
    {
        await using var gateway = await ward.StartGatewayAsync();
        // Respiration 6/min (below 9, high, 15 s persistence) from bed 05's device.
        for (var second = 0; second <= 15; second++)
        {
            await gateway.SendAsync("test-7a-05-spo2", gateway.Clock.GetUtcNow(), (MdcCodes.RespirationRate, 6));
            if (second < 15)
            {
                await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
            }
        }

        var all = await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms");
        var alarm = Assert.Single(all.GetProperty("alarms").EnumerateArray());
        Assert.Equal("vital-below/151562", alarm.GetProperty("condition").GetString());
        Assert.Equal(1, (await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms?ward=7A&bed=05")).GetProperty("alarms").GetArrayLength());
        Assert.Equal(0, (await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms?ward=7A&bed=04")).GetProperty("alarms").GetArrayLength());
        Assert.Equal(0, (await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms?ward=7B")).GetProperty("alarms").GetArrayLength());

        var id = alarm.GetProperty("id").GetInt64();
        using (var first = await gateway.AcknowledgeAsync(id, "nurse.jones"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var again = await gateway.AcknowledgeAsync(id, "nurse.smith");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var listed = Assert.Single((await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms")).GetProperty("alarms").EnumerateArray());
        Assert.Equal("nurse.jones", listed.GetProperty("acknowledgedBy").GetString());
        gateway.Logs.AssertNoErrors();
    }
}
