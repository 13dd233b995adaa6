using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MedIoT.Station.Tests.Support;

namespace MedIoT.Station.Tests.Station;

/// <summary>
/// Bad input at the station's door, sent as a misbehaving or malicious browser would: each gets a clear status, is counted
/// on <c>/metrics</c>, and the gateway keeps serving.
/// </summary>
/// <remarks>
/// "Replayed" means: a sign-in cookie captured while its session was signed in (from the browser's disk, a proxy log, a
/// shoulder) and sent again after that session signed out. Sign-out ends the session at the gateway, not only in the
/// browser that signed out, so the captured cookie must be refused like a forged one.
/// </remarks>
public sealed class BadInputTests(StationWard ward) : IClassFixture<StationWard>
{
    private const string CookiesRefused = "mediot_access_cookies_refused_total";

    [Fact]
    public async Task Forged_and_tampered_sign_in_cookies_are_refused_as_signed_out_and_counted()
    {
        var session = new StationHttpSession(ward);
        await session.SignInAsync(StationStaff.Physician, StationStaff.PhysicianPassword);
        var genuine = session.Cookie(StationHttpSession.SignInCookie)!;
        var tampered = genuine[..40] + (genuine[40] == 'A' ? 'B' : 'A') + genuine[41..];
        var forged = Convert.ToBase64String(RandomNumberGenerator.GetBytes(180)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var before = await ward.CounterAsync(CookiesRefused);

        using var withGenuine = await session.SendAsync(HttpMethod.Get, "/station/api/overview");
        using var withForged = await session.SendAsync(HttpMethod.Get, "/station/api/overview", signInCookie: forged);
        using var withTampered = await session.SendAsync(HttpMethod.Get, "/station/api/overview", signInCookie: tampered);
        using var pageWithForged = await session.SendAsync(HttpMethod.Get, "/station", signInCookie: forged);

        Assert.Equal(HttpStatusCode.OK, withGenuine.StatusCode);
        await AssertProblemAsync(withForged, HttpStatusCode.Unauthorized, "sign-in-required");
        await AssertProblemAsync(withTampered, HttpStatusCode.Unauthorized, "sign-in-required");
        Assert.Equal(HttpStatusCode.Redirect, pageWithForged.StatusCode);
        Assert.Equal("/station/sign-in?returnUrl=%2Fstation", pageWithForged.Headers.Location!.OriginalString);
        Assert.Equal(before + 3, await ward.CounterAsync(CookiesRefused));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Cookie_captured_before_sign_out_is_refused_after_sign_out_for_pages_api_and_acknowledgements()
    {
        var session = new StationHttpSession(ward);
        await session.SignInAsync(StationStaff.Physician, StationStaff.PhysicianPassword);
        var captured = session.Cookie(StationHttpSession.SignInCookie)!;
        var token = session.RequestToken;
        using (var beforeSignOut = await session.SendAsync(HttpMethod.Get, "/station/api/overview", signInCookie: captured))
        {
            Assert.Equal(HttpStatusCode.OK, beforeSignOut.StatusCode);
        }

        await session.SignOutAsync();
        Assert.Null(session.Cookie(StationHttpSession.SignInCookie));
        var before = await ward.CounterAsync(CookiesRefused);

        using var api = await session.SendAsync(HttpMethod.Get, "/station/api/overview", signInCookie: captured);
        using var events = await session.SendAsync(HttpMethod.Get, "/station/events", signInCookie: captured);
        using var page = await session.SendAsync(HttpMethod.Get, "/station", signInCookie: captured);
        using var acknowledge = await session.SendAsync(HttpMethod.Post, "/alarms/1/acknowledge", JsonContent.Create(new { }), withToken: true, signInCookie: captured);

        await AssertProblemAsync(api, HttpStatusCode.Unauthorized, "sign-in-required");
        await AssertProblemAsync(events, HttpStatusCode.Unauthorized, "sign-in-required");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        await AssertProblemAsync(acknowledge, HttpStatusCode.Unauthorized, "sign-in-required");
        Assert.Equal(before + 4, await ward.CounterAsync(CookiesRefused));
        Assert.Equal(token, session.RequestToken);

        // Signing in again gives a new session that works.
        await session.SignInAsync(StationStaff.Physician, StationStaff.PhysicianPassword);
        Assert.NotEqual(captured, session.Cookie(StationHttpSession.SignInCookie));
        using var again = await session.SendAsync(HttpMethod.Get, "/station/api/overview");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Acknowledgement_without_a_valid_anti_forgery_token_is_refused_with_400_counted_and_changes_nothing()
    {
        var alarm = await DesaturationAsync(2);
        var session = new StationHttpSession(ward);
        await session.SignInAsync(StationStaff.Physician, StationStaff.PhysicianPassword);
        var path = $"/alarms/{alarm.ToString(CultureInfo.InvariantCulture)}/acknowledge";
        var before = await ward.CounterAsync("mediot_access_antiforgery_refused_total");

        using var missing = await session.SendAsync(HttpMethod.Post, path, JsonContent.Create(new { }));
        using var wrongHeader = await session.SendAsync(HttpMethod.Post, path, JsonContent.Create(new { }), csrfToken: "CfDJ8-not-a-token");
        using var wrongForm = await session.SendAsync(HttpMethod.Post, path, new FormUrlEncodedContent([new("__RequestVerificationToken", "CfDJ8-not-a-token")]));

        await AssertProblemAsync(missing, HttpStatusCode.BadRequest, "antiforgery");
        await AssertProblemAsync(wrongHeader, HttpStatusCode.BadRequest, "antiforgery");
        await AssertProblemAsync(wrongForm, HttpStatusCode.BadRequest, "antiforgery");
        Assert.Equal(before + 3, await ward.CounterAsync("mediot_access_antiforgery_refused_total"));
        using var list = await session.SendAsync(HttpMethod.Get, "/alarms?ward=7A&bed=02");
        var listed = (await list.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alarms").EnumerateArray().Single(a => a.GetProperty("id").GetInt64() == alarm);
        Assert.False(listed.GetProperty("acknowledged").GetBoolean());
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Acknowledging_an_unknown_an_acknowledged_or_a_resolved_alarm_gets_404_or_409_and_is_counted()
    {
        var alarm = await DesaturationAsync(3);
        var session = new StationHttpSession(ward);
        await session.SignInAsync(StationStaff.Physician, StationStaff.PhysicianPassword);
        await using var watcher = await AlarmTopicWatcher.ConnectAsync(ward.Ward.Mosquitto);
        var path = $"/alarms/{alarm.ToString(CultureInfo.InvariantCulture)}/acknowledge";
        var rejected = await ward.CounterAsync("mediot_alerts_inputs_rejected_total");
        var bad = await ward.CounterAsync("mediot_alerts_requests_bad_total");

        using var unknown = await session.SendAsync(HttpMethod.Post, "/alarms/987654/acknowledge", JsonContent.Create(new { }), withToken: true);
        using var notAnId = await session.SendAsync(HttpMethod.Post, "/alarms/first/acknowledge", JsonContent.Create(new { }), withToken: true);
        using var first = await session.SendAsync(HttpMethod.Post, path, JsonContent.Create(new { }), withToken: true);
        using var second = await session.SendAsync(HttpMethod.Post, path, JsonContent.Create(new { }), withToken: true);
        // The saturation recovers above the limit and its hysteresis: the acknowledged alarm resolves.
        await ward.SendAsync(3, TimeProvider.System.GetUtcNow(), 97, 80);
        await watcher.WaitForAsync(e => e.Event == "resolved" && e.AlarmId == alarm, StationWard.Timeout, "resolution of the bed 03 alarm");
        using var resolved = await session.SendAsync(HttpMethod.Post, path, JsonContent.Create(new { }), withToken: true);

        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "alarm-not-found");
        await AssertProblemAsync(notAnId, HttpStatusCode.BadRequest, "bad-alarm-id");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(StationStaff.Physician, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alarm").GetProperty("acknowledgedBy").GetString());
        await AssertProblemAsync(second, HttpStatusCode.Conflict, "already-acknowledged");
        await AssertProblemAsync(resolved, HttpStatusCode.NotFound, "alarm-not-found");
        Assert.Equal(rejected + 3, await ward.CounterAsync("mediot_alerts_inputs_rejected_total"));
        Assert.Equal(bad + 1, await ward.CounterAsync("mediot_alerts_requests_bad_total"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Oversize_and_malformed_posts_get_400_or_413_are_counted_and_the_gateway_keeps_serving()
    {
        var session = new StationHttpSession(ward);
        await session.SignInAsync(StationStaff.Physician, StationStaff.PhysicianPassword);
        var signInRefused = await ward.CounterAsync("mediot_access_sign_ins_total", ("outcome", "bad-request"));
        var bad = await ward.CounterAsync("mediot_alerts_requests_bad_total");

        // The sign-in form: larger than its 8 KiB, larger than the server's 64 KiB, a field twice, a field it does not have, not a form.
        using var large = await session.SendAsync(HttpMethod.Post, "/station/sign-in", Form("name=" + new string('a', 20_000) + "&password=x"));
        using var huge = await session.SendAsync(HttpMethod.Post, "/station/sign-in", Form("name=a&password=" + new string('b', 200_000)), lastOnConnection: true);
        using var repeated = await session.SendAsync(HttpMethod.Post, "/station/sign-in", Form("name=a&name=b&password=c"));
        using var unknownField = await session.SendAsync(HttpMethod.Post, "/station/sign-in", Form("name=a&password=c&isAdmin=true"));
        using var notAForm = await session.SendAsync(HttpMethod.Post, "/station/sign-in", JsonContent.Create(new { name = "a", password = "c" }));
        // The alarm API's bodies: too large, not JSON, the staff id in the body, a form where JSON belongs.
        using var hugeJson = await session.SendAsync(HttpMethod.Post, "/alarms/1/acknowledge",
            new StringContent("{\"padding\":\"" + new string('x', 100_000) + "\"}", Encoding.UTF8, "application/json"), withToken: true, lastOnConnection: true);
        using var brokenJson = await session.SendAsync(HttpMethod.Post, "/alarms/1/acknowledge", new StringContent("{", Encoding.UTF8, "application/json"), withToken: true);
        using var staffId = await session.SendAsync(HttpMethod.Post, "/alarms/1/acknowledge", JsonContent.Create(new { staffId = "nurse.nora" }), withToken: true);
        using var formToJson = await session.SendAsync(HttpMethod.Post, "/beds/7A/02/observations", Form("consciousness=A"), withToken: true);

        foreach (var response in new[] { large, huge, repeated, unknownField, notAForm })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("The sign-in form was not understood", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await AssertProblemAsync(hugeJson, HttpStatusCode.RequestEntityTooLarge, "bad-body");
        await AssertProblemAsync(brokenJson, HttpStatusCode.BadRequest, "bad-json");
        await AssertProblemAsync(staffId, HttpStatusCode.BadRequest, "staff-id-from-sign-in");
        await AssertProblemAsync(formToJson, HttpStatusCode.BadRequest, "not-json");
        Assert.Equal(signInRefused + 5, await ward.CounterAsync("mediot_access_sign_ins_total", ("outcome", "bad-request")));
        Assert.Equal(bad + 4, await ward.CounterAsync("mediot_alerts_requests_bad_total"));
        await AssertStillServingAsync();
    }

    private static StringContent Form(string body) => new(body, Encoding.UTF8, "application/x-www-form-urlencoded");

    /// <summary>Bed <paramref name="bed"/>'s SpO2 falls to 88 % (once per ward and bed); returns its alarm's id.</summary>
    private Task<long> DesaturationAsync(int bed) => ward.OnceAsync("desaturation of bed " + StationWard.BedName(bed), async () =>
    {
        await using var watcher = await AlarmTopicWatcher.ConnectAsync(ward.Ward.Mosquitto);
        await ward.SendAsync(bed, TimeProvider.System.GetUtcNow(), 88, 90);
        var raised = await watcher.WaitForAsync(e => e.Event == "raised" && e.Bed == StationWard.BedName(bed) && e.Condition == "vital-below/150456",
            StationWard.Timeout, "SpO2 alarm of bed " + StationWard.BedName(bed));
        return raised.AlarmId;
    });

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string reason)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} {reason}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(reason, problem.RootElement.GetProperty("reason").GetString());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
    }

    /// <summary>The gateway still answers and its process still runs: bad input ended no more than its own request.</summary>
    private async Task AssertStillServingAsync()
    {
        using var health = await ward.Http.GetAsync(ward.Url("/health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.NotNull(ward.Ward.Gateway);
        Assert.DoesNotContain("Unhandled exception", ward.GatewayOutput, StringComparison.Ordinal);
    }
}
