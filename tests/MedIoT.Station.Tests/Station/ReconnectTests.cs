using System.Globalization;
using MedIoT.Station.Tests.Support;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Station;

/// <summary>
/// A station that loses the gateway says so at once and catches up when it is back: the built gateway is stopped and
/// started again on the same folder and port, and the open page (still signed in: the cookie keys are on disk) shows an
/// alarm raised after the restart. A session that signed out before the restart stays signed out after it.
/// </summary>
public sealed class ReconnectTests(StationWard ward) : IClassFixture<StationWard>
{
    [Fact]
    public async Task Station_shows_connection_lost_while_the_gateway_is_stopped_and_reconnects_to_show_an_alarm_raised_after_its_restart()
    {
        await using var context = await ward.NewContextAsync();
        var page = await StationWard.NewPageAsync(context);
        await ward.SignInLocallyAsync(page, StationStaff.Physician, StationStaff.PhysicianPassword);
        var body = page.Locator("body");
        var lost = page.GetByTestId("connection-lost");
        await Assertions.Expect(body).ToHaveAttributeAsync("data-connection", "connected");
        await Assertions.Expect(lost).ToBeHiddenAsync();
        // Another session signs out before the restart; a copy of its cookie must stay refused after it.
        var other = new StationHttpSession(ward);
        await other.SignInAsync(StationStaff.Viewer, StationStaff.ViewerPassword);
        var captured = other.Cookie(StationHttpSession.SignInCookie)!;
        await other.SignOutAsync();

        await ward.StopGatewayAsync();

        await Assertions.Expect(lost).ToBeVisibleAsync();
        await Assertions.Expect(lost).ToContainTextAsync("Connection to the gateway lost");
        await Assertions.Expect(page.GetByTestId("connection-state")).ToHaveTextAsync("Connection lost");

        await ward.StartGatewayAsync();
        await using var watcher = await AlarmTopicWatcher.ConnectAsync(ward.Ward.Mosquitto);

        await Assertions.Expect(body).ToHaveAttributeAsync("data-connection", "connected");
        await Assertions.Expect(lost).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("user-name")).ToHaveTextAsync(StationStaff.Physician);
        await ward.SendAsync(4, TimeProvider.System.GetUtcNow(), 84, 118);
        var raised = await watcher.WaitForAsync(e => e.Event == "raised" && e.Bed == "04" && e.Condition == "vital-below/150456", StationWard.Timeout, "SpO2 alarm of bed 04");
        await Assertions.Expect(page.GetByTestId("bed-7A-04").GetByTestId("alarm-" + raised.AlarmId.ToString(CultureInfo.InvariantCulture))).ToBeVisibleAsync();
        Assert.Equal(ward.Url("/station").ToString(), page.Url);
        using var replayed = await other.SendAsync(HttpMethod.Get, "/station/api/overview", signInCookie: captured);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, replayed.StatusCode);
    }
}
