using System.Text.Json;
using MedIoT.Station.Tests.Support;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Station;

/// <summary>
/// Nobody sees or changes anything without signing in (docs/accounts.md §5): a signed-out browser asking for a station
/// page is sent to the sign-in page with its address to return to; the station's JSON, its live events and the alarm
/// API answer 401 with an RFC 9457 problem; only the assets, <c>/health</c> and <c>/metrics</c> are open.
/// </summary>
public sealed class SignedOutAccessTests(StationWard ward) : IClassFixture<StationWard>
{
    [Theory]
    [InlineData("/station")]
    [InlineData("/station/beds/7A/02")]
    [InlineData("/station/it")]
    public async Task Signed_out_browser_opening_a_station_page_lands_on_the_sign_in_form_with_the_page_to_return_to(string path)
    {
        await using var context = await ward.NewContextAsync();
        var page = await StationWard.NewPageAsync(context);

        var redirect = await context.APIRequest.GetAsync(ward.Url(path).ToString(), new() { MaxRedirects = 0 });
        await page.GotoAsync(ward.Url(path).ToString());

        Assert.Equal(302, redirect.Status);
        Assert.Equal("/station/sign-in?returnUrl=" + Uri.EscapeDataString(path), redirect.Headers["location"]);
        Assert.Equal(ward.Url("/station/sign-in?returnUrl=" + Uri.EscapeDataString(path)).ToString(), page.Url);
        await Assertions.Expect(page.Locator("#name")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#password")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("a[href^='/station/sign-in/oidc']")).ToHaveTextAsync("Sign in with the hospital account");
        await Assertions.Expect(page.Locator("input[name='returnUrl']")).ToHaveValueAsync(path);
        Assert.DoesNotContain(await context.CookiesAsync(), cookie => cookie.Name == "__Host-mediot-station");
    }

    [Fact]
    public async Task Signed_out_requests_to_the_station_api_events_and_alarm_api_get_401_with_a_problem_each_counted()
    {
        (string Method, string Path)[] requests =
        [
            ("GET", "/station/api/overview"), ("GET", "/station/api/beds/7A/02"), ("GET", "/station/api/beds/7A/02/trends?hours=1"),
            ("GET", "/station/api/it"), ("GET", "/station/events"), ("GET", "/alarms"), ("POST", "/alarms/1/acknowledge"),
            ("POST", "/beds/7A/02/observations"),
        ];
        await using var context = await ward.NewContextAsync();
        var before = await ward.CounterAsync("mediot_access_unauthenticated_total");

        foreach (var (method, path) in requests)
        {
            var response = await context.APIRequest.FetchAsync(ward.Url(path).ToString(), new()
            {
                Method = method,
                MaxRedirects = 0,
                Headers = new Dictionary<string, string> { ["Accept"] = "application/json" },
                DataObject = method == "POST" ? new { } : null,
            });

            Assert.True(response.Status == 401, $"{method} {path} answered {response.Status}");
            Assert.Equal("application/problem+json", response.Headers["content-type"]);
            Assert.Equal("Bearer", response.Headers["www-authenticate"]);
            var problem = (await response.JsonAsync())!.Value;
            Assert.Equal(401, problem.GetProperty("status").GetInt32());
            Assert.Equal("sign-in-required", problem.GetProperty("reason").GetString());
            Assert.Equal(JsonValueKind.String, problem.GetProperty("detail").ValueKind);
        }

        Assert.Equal(before + requests.Length, await ward.CounterAsync("mediot_access_unauthenticated_total"));
    }

    [Fact]
    public async Task Assets_health_and_metrics_are_served_without_sign_in_and_carry_counts_only()
    {
        await using var context = await ward.NewContextAsync();

        var stylesheet = await context.APIRequest.GetAsync(ward.Url("/station/assets/station.css").ToString());
        var script = await context.APIRequest.GetAsync(ward.Url("/station/assets/station.js").ToString());
        var health = await context.APIRequest.GetAsync(ward.Url("/health").ToString());

        Assert.Equal(200, stylesheet.Status);
        Assert.StartsWith("text/css", stylesheet.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal("public, max-age=300", stylesheet.Headers["cache-control"]);
        Assert.Equal(200, script.Status);
        Assert.Equal(200, health.Status);
        Assert.True((await ward.MetricsAsync()).Has("mediot_access_unauthenticated_total"));
    }
}
