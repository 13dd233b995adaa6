using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MedIoT.Alerts;
using MedIoT.Alerts.Bedside;
using MedIoT.Alerts.Technical;
using MedIoT.Gateway.Alerts;
using MedIoT.Gateway.Ingestion.Attached;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>
/// Issue 17 through a whole gateway (real mosquitto, signed frames, fake alert clock): bed-exit monitoring armed over the
/// alarm API by a signed-in nurse, body weight frames at 5/s raising <em>bed exit</em>, the armed beds kept across a
/// restart in <c>bed-exit.armed</c>, and the attached sensors' inputs (patient call, sensor fault) forwarded to the engine.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BedExitApiTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    private const string Scale = "test-7a-05-spo2";
    private const string BedExitPath = "/beds/7A/05/bed-exit";
    // A value that must never reach the log.
    private const string Marker = "Zebra-7731";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_nurse_arms_a_bed_and_a_patient_leaving_it_raises_bed_exit_within_2_s_of_weight_frames()
    {
        await using var gateway = await ward.StartGatewayAsync(devices: [Scale]);
        await using var station = await gateway.ConnectStationAsync("alerts/#");

        using var armed = await ArmAsync(gateway, true);
        Assert.Equal(HttpStatusCode.OK, armed.StatusCode);
        var body = await armed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("7A", "05", true, false, "nurse.jones", true),
            (body.GetProperty("ward").GetString(), body.GetProperty("bed").GetString(), body.GetProperty("armed").GetBoolean(),
             body.GetProperty("settledWeightKnown").GetBoolean(), body.GetProperty("armedBy").GetString(), body.GetProperty("saved").GetBoolean()));
        Assert.Equal(gateway.Clock.GetUtcNow(), body.GetProperty("armedAt").GetDateTimeOffset());

        await WeighAsync(gateway, 72.35, samples: 20);
        var state = await gateway.As("viewer.lee").GetFromJsonAsync<JsonElement>(BedExitPath);
        Assert.True(state.GetProperty("armed").GetBoolean());
        Assert.True(state.GetProperty("settledWeightKnown").GetBoolean());
        Assert.False(state.TryGetProperty("saved", out _));

        var left = gateway.Clock.GetUtcNow();
        await WeighAsync(gateway, 2, samples: 10);

        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "raised" && e.Condition == "bed-exit"), s_wait, "bed exit raised");
        var alarms = await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms?ward=7A&bed=05");
        var alarm = Assert.Single(alarms.GetProperty("alarms").EnumerateArray());
        Assert.Equal(("bed-exit", "high", "physiological"),
            (alarm.GetProperty("condition").GetString(), alarm.GetProperty("priority").GetString(), alarm.GetProperty("category").GetString()));
        Assert.InRange(alarm.GetProperty("raisedAt").GetDateTimeOffset() - left, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        // Back in bed; the nurse acknowledges the latched alarm, which resolves it.
        await WeighAsync(gateway, 71.15, samples: 5);
        using var acknowledged = await gateway.AcknowledgeAsync(alarm.GetProperty("id").GetInt64(), "nurse.jones");
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "resolved" && e.Condition == "bed-exit"), s_wait, "bed exit resolved");
        // The weight is a patient value: never logged.
        Assert.DoesNotContain(gateway.Logs.GetSnapshot(), entry => entry.Message.Contains("72.35", StringComparison.Ordinal) || entry.Message.Contains("71.15", StringComparison.Ordinal));
        Assert.Single(gateway.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.BedExitMonitoringSet);
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_disarmed_bed_raises_nothing_and_disarming_is_saved()
    {
        await using var gateway = await ward.StartGatewayAsync(devices: [Scale]);
        using (var armed = await ArmAsync(gateway, true))
        {
            Assert.Equal(HttpStatusCode.OK, armed.StatusCode);
        }

        await WeighAsync(gateway, 80, samples: 20);
        using var disarmed = await ArmAsync(gateway, false);
        var body = await disarmed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((false, false, JsonValueKind.Null, true),
            (body.GetProperty("armed").GetBoolean(), body.GetProperty("settledWeightKnown").GetBoolean(), body.GetProperty("armedBy").ValueKind, body.GetProperty("saved").GetBoolean()));

        await WeighAsync(gateway, 0, samples: 15);

        var alarms = await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms?ward=7A&bed=05");
        Assert.Empty(alarms.GetProperty("alarms").EnumerateArray());
        var store = gateway.Service<BedExitArmingStore>();
        Assert.Equal("{\"version\":1,\"armed\":[]}\n", await File.ReadAllTextAsync(store.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task The_armed_beds_survive_a_restart_and_a_damaged_file_arms_nothing_with_an_error_logged()
    {
        var folders = new Dictionary<string, string>
        {
            ["Gateway:Journal:Folder"] = ward.Combine("bed-exit-journal"),
            ["Gateway:Identity:KeyFile"] = ward.Combine("bed-exit-identity", "gateway-key.jwk"),
            ["Gateway:Alerts:OutboxFolder"] = ward.Combine("bed-exit-outbox"),
            ["Gateway:Serial:StateFolder"] = ward.Combine("bed-exit-serial"),
        };
        DateTimeOffset armedAt;
        await using (var first = await ward.StartGatewayAsync(folders, devices: [Scale]))
        {
            using var armed = await ArmAsync(first, true);
            armedAt = (await armed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("armedAt").GetDateTimeOffset();
        }

        var path = Path.Combine(folders["Gateway:Journal:Folder"], BedExitArmingStore.FileName);
        await using (var restarted = await ward.StartGatewayAsync(folders, devices: [Scale]))
        {
            var state = await restarted.As("nurse.jones").GetFromJsonAsync<JsonElement>(BedExitPath);
            Assert.Equal((true, false, "nurse.jones", armedAt),
                (state.GetProperty("armed").GetBoolean(), state.GetProperty("settledWeightKnown").GetBoolean(),
                 state.GetProperty("armedBy").GetString(), state.GetProperty("armedAt").GetDateTimeOffset()));

            // Armed from the start, before any frame: the weight frames after the restart are judged.
            await WeighAsync(restarted, 90, samples: 20);
            await WeighAsync(restarted, 0, samples: 10);
            var alarms = await restarted.Http.GetFromJsonAsync<JsonElement>("/alarms?ward=7A&bed=05");
            Assert.Contains(alarms.GetProperty("alarms").EnumerateArray(), alarm => alarm.GetProperty("condition").GetString() == "bed-exit");
            restarted.Logs.AssertNoErrors();
        }

        await File.WriteAllTextAsync(path, "{\"version\":1,\"armed\":[{\"ward\":\"7A\",\"bed\":\"05\",\"armedBy\":\"" + Marker + " x\"}]}");
        await using var damaged = await ward.StartGatewayAsync(folders, devices: [Scale]);
        var logged = Assert.Single(damaged.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.BedExitArmingsUnreadable);
        Assert.DoesNotContain(Marker, logged.Message, StringComparison.Ordinal);
        var after = await damaged.As("nurse.jones").GetFromJsonAsync<JsonElement>(BedExitPath);
        Assert.False(after.GetProperty("armed").GetBoolean());
    }

    public static TheoryData<string, string?, string> BadBodies() => new()
    {
        { "text/plain", "{\"armed\":true}", "not-json" },
        { "application/json", "{\"armed\":true", "bad-json" },
        { "application/json", "[true]", "not-an-object" },
        { "application/json", "{\"armed\":\"" + Marker + "\"}", "bad-armed" },
        { "application/json", "{\"armed\":1}", "bad-armed" },
        { "application/json", "{\"armed\":null}", "bad-armed" },
        { "application/json", "{}", "no-armed" },
        { "application/json", "{\"armed\":true,\"weight\":\"" + Marker + "\"}", "unknown-member" },
        { "application/json", "{\"armed\":true,\"armed\":false}", "repeated-member" },
        { "application/json", "{\"armed\":true,\"staffId\":\"nurse.smith\"}", "staff-id-from-sign-in" },
        { "application/json", null, "not-json" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_body_is_a_400_problem_counted_and_logged_without_its_values_and_arms_nothing(string contentType, string? body, string reason)
    {
        await using var gateway = await ward.StartGatewayAsync(devices: [Scale]);
        using var content = body is null ? null : new StringContent(body, Encoding.UTF8, contentType);
        if (content is not null && contentType == "application/json")
        {
            content.Headers.ContentType!.CharSet = null;
        }

        using var response = await gateway.As("nurse.jones").PostAsync(BedExitPath, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(reason, problem.RootElement.GetProperty("reason").GetString());
        Assert.DoesNotContain(Marker, problem.RootElement.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(1, gateway.Alerts.BadRequests);
        var logged = Assert.Single(gateway.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.AlarmApiRequestRejected);
        Assert.Contains(reason, logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(gateway.Logs.GetSnapshot(), entry => entry.Message.Contains(Marker, StringComparison.Ordinal));
        var state = await gateway.As("nurse.jones").GetFromJsonAsync<JsonElement>(BedExitPath);
        Assert.False(state.GetProperty("armed").GetBoolean());
        Assert.False(File.Exists(gateway.Service<BedExitArmingStore>().Path));
    }

    [Theory]
    [InlineData("POST", null, HttpStatusCode.Unauthorized)]
    [InlineData("GET", null, HttpStatusCode.Unauthorized)]
    [InlineData("POST", "viewer.lee", HttpStatusCode.Forbidden)]
    [InlineData("POST", "it.desk", HttpStatusCode.Forbidden)]
    [InlineData("GET", "it.desk", HttpStatusCode.Forbidden)]
    public async Task Only_signed_in_care_staff_may_read_and_only_nurses_and_physicians_may_arm(string method, string? staffId, HttpStatusCode status)
    {
        await using var gateway = await ward.StartGatewayAsync(devices: [Scale]);
        using var request = new HttpRequestMessage(new HttpMethod(method), BedExitPath);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { armed = true });
        }

        using var response = await gateway.As(staffId).SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        var state = await gateway.As("viewer.lee").GetFromJsonAsync<JsonElement>(BedExitPath);
        Assert.False(state.GetProperty("armed").GetBoolean());
    }

    [Theory]
    [InlineData("POST", "/beds/7A/99/bed-exit", HttpStatusCode.NotFound, "unknown-bed")]
    [InlineData("GET", "/beds/9Z/05/bed-exit", HttpStatusCode.NotFound, "unknown-bed")]
    [InlineData("GET", "/beds/7A/bad%20bed/bed-exit", HttpStatusCode.BadRequest, "bad-place")]
    public async Task Unknown_beds_are_404_and_malformed_places_400(string method, string path, HttpStatusCode status, string reason)
    {
        await using var gateway = await ward.StartGatewayAsync(devices: [Scale]);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { armed = true });
        }

        using var response = await gateway.As("nurse.jones").SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(reason, problem.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_patient_call_from_the_attached_buttons_is_raised_and_acknowledging_it_resolves_it()
    {
        await using var gateway = await ward.StartGatewayAsync(devices: [Scale]);
        await using var station = await gateway.ConnectStationAsync("alerts/#");
        var bed = BedLocation.Parse("7A", "05");

        gateway.Service<AttachedSensorEvents>().Publish(new PatientCallPressed(bed, "test-7a-05-call"));
        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "raised" && e.Condition == "patient-call"), s_wait, "patient call raised");
        var alarms = await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms?ward=7A&bed=05");
        var call = Assert.Single(alarms.GetProperty("alarms").EnumerateArray());
        Assert.Equal("medium", call.GetProperty("priority").GetString());

        using var acknowledged = await gateway.AcknowledgeAsync(call.GetProperty("id").GetInt64(), "nurse.jones");

        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "resolved" && e.Condition == "patient-call"), s_wait, "patient call resolved");
        alarms = await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms?ward=7A&bed=05");
        Assert.Empty(alarms.GetProperty("alarms").EnumerateArray());

        // The answer button at the bed ends the next call.
        gateway.Service<AttachedSensorEvents>().Publish(new PatientCallPressed(bed, "test-7a-05-call"));
        gateway.Service<AttachedSensorEvents>().Publish(new PatientCallAnswered(bed, "test-7a-05-answer"));
        await station.WaitUntilAsync(s => s.Events.Count(e => e.Event == "resolved" && e.Condition == "patient-call") == 2, s_wait, "second call answered");
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task An_attached_sensor_fault_is_forwarded_raised_after_its_persistence_and_resolved_when_it_works()
    {
        await using var gateway = await ward.StartGatewayAsync(devices: [Scale]);
        await using var station = await gateway.ConnectStationAsync("alerts/#");
        var events = gateway.Service<AttachedSensorEvents>();
        var inputs = gateway.Alerts.InputsProcessed;

        events.Publish(new AttachedSensorStatus("test-7a-05-thermometer", BedLocation.Parse("7A", "05"), Working: false));
        await gateway.Alerts.WaitUntilAsync(s => s.InputsProcessed > inputs, s_wait);
        await gateway.AdvanceAsync(TimeSpan.FromSeconds(5));

        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "raised" && e.Condition == "sensor-fault/test-7a-05-thermometer"), s_wait, "sensor fault raised");
        events.Publish(new AttachedSensorStatus("test-7a-05-thermometer", BedLocation.Parse("7A", "05"), Working: true));
        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "resolved" && e.Condition == "sensor-fault/test-7a-05-thermometer"), s_wait, "sensor fault resolved");
        gateway.Logs.AssertNoErrors();
    }

    private static Task<HttpResponseMessage> ArmAsync(AlertGateway gateway, bool armed) =>
        gateway.As("nurse.jones").PostAsJsonAsync(BedExitPath, new { armed });

    /// <summary>Body weight frames at 5/s on the alert clock: each frame processed, then the clock moved on 200 ms (ticking on whole seconds).</summary>
    private static async Task WeighAsync(AlertGateway gateway, double kilograms, int samples)
    {
        for (var sample = 0; sample < samples; sample++)
        {
            await gateway.SendAsync(Scale, gateway.Clock.GetUtcNow(), (MdcCodes.BodyWeight, kilograms));
            await gateway.AdvanceAsync(TimeSpan.FromMilliseconds(200));
        }
    }
}
