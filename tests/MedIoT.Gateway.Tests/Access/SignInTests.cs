using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedIoT.Gateway.Access;
using MedIoT.Gateway.Tests.Integration.Alerts;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Access;

/// <summary>
/// Sign-in on a running gateway (docs/accounts.md): a local person signs in with the form and uses the alarm API with the
/// station's cookie and the anti-forgery header; refusals are 401/403/400/429 problems or redirects, counted, and never
/// log a password.
/// </summary>
public sealed class SignInTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    private const string NursePassword = "Marker-Pw-7e1c-nurse";
    private const string ViewerPassword = "Marker-Pw-55d0-viewer";

    private async Task<AlertGateway> StartAsync()
    {
        var path = ward.Combine($"people-{Guid.NewGuid():N}.json");
        new LocalAccounts(
            [
                new LocalPerson("nurse.kim", [StaffRoles.Nurse], PasswordHash.Create(NursePassword, PasswordHash.MinimumIterations)),
                new LocalPerson("viewer.ode", [StaffRoles.Viewer], PasswordHash.Create(ViewerPassword, PasswordHash.MinimumIterations)),
            ],
            // The ward's API tokens too, so the test reads the alarm list as usual.
            [.. StaffAccounts.Default.Select(staff => new LocalApiToken(staff.Name, staff.Roles,
                System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ward.Staff.Token(staff.Name)))))]).Save(path);
        return await ward.StartGatewayAsync(new Dictionary<string, string> { ["Gateway:Access:AccountsPath"] = path });
    }

    private static StationSession Session(AlertGateway gateway) => new(gateway.As(null).BaseAddress!);

    /// <summary>Respiration 6/min for 15 s at bed 05: one high alarm; returns its id.</summary>
    private static async Task<long> RaiseAlarmAsync(AlertGateway gateway)
    {
        for (var second = 0; second <= 15; second++)
        {
            await gateway.SendAsync("test-7a-05-spo2", gateway.Clock.GetUtcNow(), (MdcCodes.RespirationRate, 6));
            if (second < 15)
            {
                await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
            }
        }

        var list = await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms?channel=care-team");
        return Assert.Single(list.GetProperty("alarms").EnumerateArray()).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task A_nurse_signs_in_with_the_form_and_acknowledges_with_the_cookie_as_herself()
    {
        await using var gateway = await StartAsync();
        var alarmId = await RaiseAlarmAsync(gateway);
        using var station = Session(gateway);
        await using var events = await gateway.ConnectStationAsync();

        await station.SignInAsync("nurse.kim", NursePassword);
        using (var list = await station.GetAsync("/alarms"))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Contains($"\"id\":{alarmId}", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var token = await station.RequestTokenAsync();
        using (var acknowledged = await station.PostAsync($"/alarms/{alarmId}/acknowledge", token))
        {
            Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
            using var body = JsonDocument.Parse(await acknowledged.Content.ReadAsStringAsync());
            Assert.Equal("nurse.kim", body.RootElement.GetProperty("alarm").GetProperty("acknowledgedBy").GetString());
        }

        // The alarm event on the MQTT topic names the signed-in nurse.
        await events.WaitUntilAsync(s => s.Events.Any(e => e.AlarmId == alarmId && e.Event == "acknowledged"), TimeSpan.FromSeconds(20), "the acknowledged event");
        var acknowledgedEvent = events.Events.Single(e => e.AlarmId == alarmId && e.Event == "acknowledged");
        Assert.Equal("nurse.kim", acknowledgedEvent.Alarm.GetProperty("acknowledgedBy").GetString());

        var access = gateway.Service<AccessStatistics>();
        Assert.Equal(1, access.SignIns(SignInOutcome.Succeeded));
        Assert.Contains(gateway.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.SignedIn && entry.Message.Contains("nurse.kim", StringComparison.Ordinal));
        Assert.DoesNotContain(gateway.Logs.GetSnapshot(), entry => entry.Message.Contains(NursePassword, StringComparison.Ordinal));
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Signed_out_requests_get_a_401_problem_and_station_pages_redirect_to_sign_in()
    {
        await using var gateway = await StartAsync();
        using var station = Session(gateway);
        var access = gateway.Service<AccessStatistics>();

        foreach (var (method, path) in new[] { ("GET", "/alarms"), ("POST", "/alarms/1/acknowledge"), ("GET", "/beds/7A/01/news2"), ("POST", "/beds/7A/01/observations"), ("GET", "/station/api/overview"), ("GET", "/station/events") })
        {
            using var response = await station.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("sign-in-required", problem.RootElement.GetProperty("reason").GetString());
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }

        using (var page = await station.GetAsync("/station/beds/7A/01?window=4h"))
        {
            Assert.Equal(HttpStatusCode.Found, page.StatusCode);
            Assert.Equal("/station/sign-in?returnUrl=%2Fstation%2Fbeds%2F7A%2F01%3Fwindow%3D4h", page.Headers.Location?.OriginalString);
        }

        // Health and metrics stay open.
        using (var health = await station.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.True(access.Unauthenticated >= 7);
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_viewer_sees_the_ward_but_gets_403_on_acknowledge_and_observations()
    {
        await using var gateway = await ward.StartGatewayAsync();
        var alarmId = await RaiseAlarmAsync(gateway);
        var access = gateway.Service<AccessStatistics>();

        using (var list = await gateway.As("viewer.lee").GetAsync("/alarms"))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }

        using (var acknowledge = await gateway.AcknowledgeAsync(alarmId, "viewer.lee"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, acknowledge.StatusCode);
            using var problem = JsonDocument.Parse(await acknowledge.Content.ReadAsStringAsync());
            Assert.Equal("forbidden", problem.RootElement.GetProperty("reason").GetString());
        }

        using (var observe = await gateway.ObserveAsync("7A", "01", new { onOxygen = true }, "viewer.lee"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, observe.StatusCode);
        }

        // IT sees only the IT channel: the care team's list is refused, its own is not.
        using (var careTeam = await gateway.As("it.desk").GetAsync("/alarms?channel=care-team"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, careTeam.StatusCode);
        }

        using (var itList = await gateway.As("it.desk").GetAsync("/alarms"))
        {
            Assert.Equal(HttpStatusCode.OK, itList.StatusCode);
            Assert.DoesNotContain($"\"id\":{alarmId}", await itList.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // IT cannot acknowledge a care-team alarm either.
        using (var itAcknowledge = await gateway.AcknowledgeAsync(alarmId, "it.desk"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, itAcknowledge.StatusCode);
        }

        Assert.Equal(4, access.Forbidden);
        var alarm = Assert.Single((await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms")).GetProperty("alarms").EnumerateArray());
        Assert.False(alarm.GetProperty("acknowledged").GetBoolean());
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task An_unknown_bearer_token_is_401_counted()
    {
        await using var gateway = await ward.StartGatewayAsync();
        using var client = new HttpClient { BaseAddress = gateway.As(null).BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-token-of-this-ward");

        using var response = await client.GetAsync("/alarms");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, gateway.Service<AccessStatistics>().TokensRefused);
        Assert.DoesNotContain(gateway.Logs.GetSnapshot(), entry => entry.Message.Contains("not-a-token-of-this-ward", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tampered_cookie_is_401_and_counted_and_a_missing_anti_forgery_token_is_400_and_counted()
    {
        await using var gateway = await StartAsync();
        var access = gateway.Service<AccessStatistics>();
        using var station = Session(gateway);
        await station.SignInAsync("nurse.kim", NursePassword);

        // Signed in, without the anti-forgery header: 400 antiforgery, counted, logged once.
        for (var i = 0; i < 2; i++)
        {
            using var refused = await station.PostAsync("/beds/7A/01/observations", requestToken: null, JsonContent.Create(new { onOxygen = true }));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("antiforgery", problem.RootElement.GetProperty("reason").GetString());
        }

        using (var wrong = await station.PostAsync("/beds/7A/01/observations", "not-the-token", JsonContent.Create(new { onOxygen = true })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        Assert.Equal(3, access.AntiforgeryRefused);
        Assert.Equal(2, gateway.Logs.GetSnapshot().Count(entry => entry.Id.Id == GatewayLogEvents.AntiforgeryRefused));
        Assert.Equal(0, gateway.Alerts.InputsProcessed);

        // With the token it goes through.
        var token = await station.RequestTokenAsync();
        using (var accepted = await station.PostAsync("/beds/7A/01/observations", token, JsonContent.Create(new { onOxygen = true })))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        // One character of the cookie changed: it no longer authenticates.
        var cookie = station.Cookies[AccessSchemes.CookieName];
        var middle = cookie.Length / 2;
        station.SetCookie(AccessSchemes.CookieName, cookie[..middle] + (cookie[middle] == 'A' ? 'B' : 'A') + cookie[(middle + 1)..]);
        using (var tampered = await station.GetAsync("/alarms"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        }

        // A forged one (not base64 at all) as well.
        station.SetCookie(AccessSchemes.CookieName, "forged");
        using (var forged = await station.PostAsync("/alarms/1/acknowledge", token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        }

        Assert.Equal(2, access.CookiesRefused);
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Failed_sign_ins_are_rate_limited_with_429_and_logged_without_the_password()
    {
        const string WrongPassword = "Marker-Wrong-Pw-93ab";
        await using var gateway = await StartAsync();
        var access = gateway.Service<AccessStatistics>();
        using var station = Session(gateway);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var failed = await station.PostSignInAsync(("name", "nurse.kim"), ("password", WrongPassword));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            Assert.Contains("not right", await failed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The sixth attempt, even with the right password, is refused without checking it.
        using (var limited = await station.PostSignInAsync(("name", "nurse.kim"), ("password", NursePassword)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            var retryAfter = limited.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value.TotalSeconds, 1, 900);
        }

        Assert.False(station.Cookies.ContainsKey(AccessSchemes.CookieName));
        Assert.Equal(5, access.SignIns(SignInOutcome.BadCredentials));
        Assert.Equal(1, access.RateLimited);
        var logs = gateway.Logs.GetSnapshot();
        Assert.Equal(5, logs.Count(entry => entry.Id.Id == GatewayLogEvents.SignInFailed && entry.Message.Contains("nurse.kim", StringComparison.Ordinal)
            && entry.Message.Contains("127.0.0.1", StringComparison.Ordinal)));
        Assert.Single(logs, entry => entry.Id.Id == GatewayLogEvents.SignInRateLimited);
        Assert.DoesNotContain(logs, entry => entry.Message.Contains(WrongPassword, StringComparison.Ordinal) || entry.Message.Contains(NursePassword, StringComparison.Ordinal)
            || (entry.StructuredState ?? []).Any(pair => pair.Value?.Contains("Marker-", StringComparison.Ordinal) == true));
        gateway.Logs.AssertNoErrors();
    }

    [Theory]
    [InlineData("unknown-field")]
    [InlineData("repeated-field")]
    [InlineData("oversize")]
    [InlineData("not-a-form")]
    [InlineData("no-antiforgery")]
    public async Task A_malformed_sign_in_post_is_400_and_counted(string kind)
    {
        await using var gateway = await StartAsync();
        using var station = Session(gateway);
        var token = await station.RequestTokenAsync();
        HttpContent content = kind switch
        {
            "unknown-field" => new FormUrlEncodedContent([new("name", "nurse.kim"), new("password", NursePassword), new("remember", "yes"), new(AccessSchemes.AntiforgeryField, token)]),
            "repeated-field" => new FormUrlEncodedContent([new("name", "nurse.kim"), new("name", "viewer.ode"), new("password", NursePassword), new(AccessSchemes.AntiforgeryField, token)]),
            "oversize" => new FormUrlEncodedContent([new("name", "nurse.kim"), new("password", new string('x', 20_000)), new(AccessSchemes.AntiforgeryField, token)]),
            "not-a-form" => JsonContent.Create(new { name = "nurse.kim", password = NursePassword }),
            _ => new FormUrlEncodedContent([new("name", "nurse.kim"), new("password", NursePassword)]),
        };

        using var response = await station.SendAsync(new HttpRequestMessage(HttpMethod.Post, SignInEndpoints.SignInPath) { Content = content });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(station.Cookies.ContainsKey(AccessSchemes.CookieName));
        Assert.Equal(1, gateway.Service<AccessStatistics>().SignIns(SignInOutcome.BadRequest));
        Assert.DoesNotContain(gateway.Logs.GetSnapshot(), entry => entry.Message.Contains(NursePassword, StringComparison.Ordinal));
        gateway.Logs.AssertNoErrors();
    }

    [Theory]
    [InlineData("//evil.example/station")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    [InlineData("")]
    public async Task A_sign_in_never_redirects_off_the_gateway(string returnUrl)
    {
        await using var gateway = await StartAsync();
        using var station = Session(gateway);

        using var response = await station.PostSignInAsync(("name", "viewer.ode"), ("password", ViewerPassword), ("returnUrl", returnUrl));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/station", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Signing_out_clears_the_cookie_and_needs_the_anti_forgery_token()
    {
        await using var gateway = await StartAsync();
        using var station = Session(gateway);
        await station.SignInAsync("viewer.ode", ViewerPassword);

        using (var refused = await station.PostAsync(SignInEndpoints.SignOutPath, requestToken: null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        var token = await station.RequestTokenAsync();
        using (var signedOut = await station.PostAsync(SignInEndpoints.SignOutPath, token))
        {
            Assert.Equal(HttpStatusCode.SeeOther, signedOut.StatusCode);
        }

        Assert.False(station.Cookies.ContainsKey(AccessSchemes.CookieName));
        using var after = await station.GetAsync("/alarms");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task The_sign_in_page_is_an_accessible_form_with_the_anti_forgery_token_and_the_station_stylesheet()
    {
        await using var gateway = await StartAsync();
        using var station = Session(gateway);

        using var page = await station.GetAsync("/station/sign-in?returnUrl=%2Fstation%2Fit");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<label for=\"name\">", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"password\">", html, StringComparison.Ordinal);
        Assert.Contains("autocomplete=\"current-password\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"returnUrl\" value=\"/station/it\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/station/assets/station.css\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("hospital account", html, StringComparison.Ordinal);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.True(station.Cookies.ContainsKey(AccessSchemes.LoopbackAntiforgeryCookieName));
    }
}
