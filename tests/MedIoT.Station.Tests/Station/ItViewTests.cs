using System.Text.Json;
using MedIoT.Station.Tests.Support;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Station;

/// <summary>The IT view (IT role only): the gateway's health, backlog and anchoring, its devices, and the IT channel's security alarms.</summary>
public sealed class ItViewTests(StationWard ward) : IClassFixture<StationWard>
{
    [Fact]
    public async Task It_sees_health_backlog_anchoring_devices_and_the_security_alarm_of_a_forged_frame()
    {
        // Bed 04's oximeter reads; then a frame on bed 02's topic fails its signature check.
        await ward.SendAsync(4, TimeProvider.System.GetUtcNow(), 96, 77);
        await ward.SendForgedAsync(2);
        await using var context = await ward.NewContextAsync();
        var page = await StationWard.NewPageAsync(context);

        await ward.SignInLocallyAsync(page, StationStaff.It, StationStaff.ItPassword, "/station/it");

        await Assertions.Expect(page.GetByTestId("user-roles")).ToHaveTextAsync("it");
        await Assertions.Expect(page.GetByTestId("health-status")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(healthy|degraded|ok)", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        await Assertions.Expect(page.GetByTestId("health-influxdb-writer-lag")).ToContainTextAsync("entries");
        await Assertions.Expect(page.GetByTestId("health-anchoring")).ToHaveTextAsync("off");
        await Assertions.Expect(page.GetByTestId("health-frames-accepted")).Not.ToHaveTextAsync("0");
        foreach (var bed in new[] { "01", "02", "03", "04" })
        {
            await Assertions.Expect(page.GetByTestId($"devices").GetByTestId($"device-ward7a-bed{bed}-spo2")).ToContainTextAsync("7A/" + bed);
        }

        await Assertions.Expect(page.GetByTestId("devices").GetByTestId("device-ward7a-bed04-spo2")).ToContainTextAsync("s ago");
        await Assertions.Expect(page.GetByTestId("security-alarms").Locator("li[data-priority]")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("nav-overview")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "station-it.png");

        // IT sees the gateway, not the patients: the ward's overview and its JSON are refused.
        var overview = await context.APIRequest.GetAsync(ward.Url("/station/api/overview").ToString());
        Assert.Equal(403, overview.Status);
        Assert.Equal("forbidden", (await overview.JsonAsync())!.Value.GetProperty("reason").GetString());
        var it = await context.APIRequest.GetAsync(ward.Url("/station/api/it").ToString());
        var body = (await it.JsonAsync())!.Value;
        Assert.Equal(JsonValueKind.Object, body.GetProperty("health").ValueKind);
        Assert.Equal(4, body.GetProperty("devices").GetArrayLength());
    }

    [Fact]
    public async Task Nurse_gets_403_for_the_it_view_and_its_json()
    {
        await using var context = await ward.NewContextAsync();
        var page = await StationWard.NewPageAsync(context);
        await ward.SignInWithHospitalAsync(page, StationStaff.Nurse, StationStaff.NursePassword);
        await Assertions.Expect(page.GetByTestId("nav-it")).ToHaveCountAsync(0);

        var view = await page.GotoAsync(ward.Url("/station/it").ToString());
        var json = await context.APIRequest.GetAsync(ward.Url("/station/api/it").ToString());

        Assert.Equal(403, view!.Status);
        Assert.Equal(403, json.Status);
        Assert.Equal("forbidden", (await json.JsonAsync())!.Value.GetProperty("reason").GetString());
    }
}
