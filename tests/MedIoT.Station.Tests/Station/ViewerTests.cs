using System.Globalization;
using System.Text.Json;
using MedIoT.Station.Tests.Support;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Station;

/// <summary>
/// A viewer sees the ward but cannot acknowledge: no acknowledge button, no staff form, and the alarm API answers 403 to an
/// acknowledgement sent with the viewer's own cookie and anti-forgery token.
/// </summary>
public sealed class ViewerTests(StationWard ward) : IClassFixture<StationWard>, IAsyncLifetime
{
    private AlarmTopicEvent _alarm = null!;

    /// <summary>Bed 03 desaturates to 80 % (the high limit, below 85 %) once per ward, so it has an alarm one could acknowledge.</summary>
    public async Task InitializeAsync() => _alarm = await ward.OnceAsync("bed 03 desaturates", async () =>
    {
        await using var watcher = await AlarmTopicWatcher.ConnectAsync(ward.Ward.Mosquitto);
        await ward.SendAsync(3, TimeProvider.System.GetUtcNow(), 80, 110);
        return await watcher.WaitForAsync(
            e => e.Event == "raised" && e.Bed == "03" && e.Condition == "vital-below/150456" && e.Alarm.GetProperty("priority").GetString() == "high",
            StationWard.Timeout, "high SpO2 alarm of bed 03");
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Local_viewer_sees_the_alarm_without_an_acknowledge_button_and_the_api_refuses_the_viewers_acknowledgement_with_403()
    {
        await using var context = await ward.NewContextAsync();
        var page = await StationWard.NewPageAsync(context);
        await ward.SignInLocallyAsync(page, StationStaff.Viewer, StationStaff.ViewerPassword);
        var id = _alarm.AlarmId.ToString(CultureInfo.InvariantCulture);

        var shown = page.GetByTestId("bed-7A-03").GetByTestId("alarm-" + id);
        await Assertions.Expect(shown).ToBeVisibleAsync();
        await Assertions.Expect(shown).ToHaveAttributeAsync("data-priority", "high");
        await Assertions.Expect(page.GetByTestId("user-roles")).ToHaveTextAsync("viewer");
        await Assertions.Expect(page.Locator("[data-testid^='ack-']")).ToHaveCountAsync(0);
        Assert.Equal("false", await page.Locator("body").GetAttributeAsync("data-may-act"));

        // The page's own token and cookie, sent as the station's script would: the role, not the token, is missing.
        var answer = await page.EvaluateAsync<JsonElement>("""
            async id => {
              const token = document.querySelector('meta[name="csrf-token"]').content;
              const response = await fetch("/alarms/" + id + "/acknowledge", { method: "POST", credentials: "same-origin",
                headers: { "Content-Type": "application/json", "X-CSRF-TOKEN": token }, body: "{}" });
              return { status: response.status, body: await response.json() };
            }
            """, id);
        var token = await page.Locator("meta[name='csrf-token']").GetAttributeAsync("content");
        var throughContext = await context.APIRequest.PostAsync(ward.Url($"/alarms/{id}/acknowledge").ToString(), new()
        {
            Headers = new Dictionary<string, string> { ["X-CSRF-TOKEN"] = token! },
            DataObject = new { },
        });

        Assert.Equal(403, answer.GetProperty("status").GetInt32());
        Assert.Equal("forbidden", answer.GetProperty("body").GetProperty("reason").GetString());
        Assert.Equal(403, throughContext.Status);
        await page.GotoAsync(ward.Url("/station/beds/7A/03").ToString());
        await Assertions.Expect(page.GetByTestId("bed-7A-03").GetByTestId("alarm-" + id)).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid^='ack-']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("observation-form")).ToHaveCountAsync(0);
        var still = await ward.Http.GetAsync(ward.Url("/health"));
        Assert.True(still.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Hospital_viewer_signs_in_through_the_provider_with_the_viewer_role_from_her_group_and_cannot_acknowledge()
    {
        await using var context = await ward.NewContextAsync();
        var page = await StationWard.NewPageAsync(context);
        await ward.SignInWithHospitalAsync(page, StationStaff.HospitalViewer, StationStaff.HospitalViewerPassword);

        await Assertions.Expect(page.GetByTestId("user-roles")).ToHaveTextAsync("viewer");
        await Assertions.Expect(page.GetByTestId("bed-7A-03").GetByTestId("alarm-" + _alarm.AlarmId.ToString(CultureInfo.InvariantCulture))).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid^='ack-']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("nav-it")).ToHaveCountAsync(0);
    }
}
