using MedIoT.Station.Tests.Support;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Station;

/// <summary>A person of the local accounts file signs in on the station's form and signs out again.</summary>
public sealed class LocalSignInTests(StationWard ward) : IClassFixture<StationWard>
{
    [Fact]
    public async Task Physician_signs_in_with_the_form_gets_a_host_only_secure_strict_cookie_and_signs_out()
    {
        await using var context = await ward.NewContextAsync();
        var page = await StationWard.NewPageAsync(context);

        await ward.SignInLocallyAsync(page, StationStaff.Physician, StationStaff.PhysicianPassword);

        await Assertions.Expect(page.GetByTestId("user-roles")).ToHaveTextAsync("physician");
        await Assertions.Expect(page.GetByTestId("tiles").Locator("[data-testid^='bed-7A-']")).ToHaveCountAsync(4);
        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == "__Host-mediot-station");
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.Equal("127.0.0.1", cookie.Domain);

        await page.GetByTestId("sign-out").ClickAsync();

        await page.WaitForURLAsync(ward.Url("/station/sign-in").ToString());
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "__Host-mediot-station");
        await page.GotoAsync(ward.Url("/station").ToString());
        await page.WaitForURLAsync(url => url.StartsWith(ward.Url("/station/sign-in").ToString(), StringComparison.Ordinal));
        Assert.Empty(ward.BlockedRequests);
    }

    [Fact]
    public async Task Wrong_password_stays_on_the_form_with_an_alert_and_is_logged_without_the_password()
    {
        await using var context = await ward.NewContextAsync();
        var page = await StationWard.NewPageAsync(context);
        await page.GotoAsync(ward.Url("/station/sign-in").ToString());
        await page.FillAsync("#name", StationStaff.Physician);
        await page.FillAsync("#password", "not-the-okafor-password");

        var answer = await page.RunAndWaitForResponseAsync(
            () => page.ClickAsync("form[action='/station/sign-in'] button[type=submit]"),
            response => response.Url == ward.Url("/station/sign-in").ToString() && response.Request.Method == "POST");

        Assert.Equal(401, answer.Status);
        await Assertions.Expect(page.Locator("p[role=alert]")).ToHaveTextAsync("The staff id or the password is not right.");
        await Assertions.Expect(page.Locator("#name")).ToHaveValueAsync(StationStaff.Physician);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "__Host-mediot-station");
        await ward.Ward.WaitForAsync(() => ward.GatewayOutput.Contains(StationStaff.Physician, StringComparison.Ordinal), "the failed sign-in in the gateway's log");
        Assert.DoesNotContain("not-the-okafor-password", ward.GatewayOutput, StringComparison.Ordinal);
        Assert.True(await ward.CounterAsync("mediot_access_sign_ins_total", ("outcome", "bad-credentials")) >= 1);
    }
}
