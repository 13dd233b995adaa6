using MedIoT.Station.Tests.Support;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Station;

/// <summary>
/// Issue 17 on the bed view: a nurse signed in through the hospital's provider arms bed-exit monitoring for bed 03, sees the
/// settled weight learned from the bed's weight frames, sees <em>bed exit</em> when the load drops, and disarms it (which
/// ends the alarm); the weight is one of the tile's readings; a viewer sees the state but no control.
/// </summary>
public sealed class BedExitViewTests(StationWard ward) : IClassFixture<StationWard>
{
    private const int Bed = 3;

    [Fact]
    public async Task A_nurse_arms_bed_exit_monitoring_sees_the_settled_weight_learned_and_the_bed_exit_and_disarms_it()
    {
        await using var context = await ward.NewContextAsync();
        var page = await StationWard.NewPageAsync(context);
        await ward.SignInWithHospitalAsync(page, StationStaff.Nurse, StationStaff.NursePassword, "/station/beds/7A/03");
        var state = page.GetByTestId("bed-exit-state");
        var toggle = page.GetByTestId("bed-exit-toggle");
        await Assertions.Expect(state).ToHaveTextAsync("Not armed.");
        await Assertions.Expect(toggle).ToHaveTextAsync("Arm");

        await toggle.ClickAsync();

        await Assertions.Expect(state).ToHaveAttributeAsync("data-armed", "true");
        await Assertions.Expect(state).ToContainTextAsync("Armed by " + StationStaff.Nurse);
        await Assertions.Expect(state).ToHaveAttributeAsync("data-settled-weight-known", "false");
        await Assertions.Expect(toggle).ToHaveTextAsync("Disarm");

        // The patient lies in bed: weight frames until the page shows the settled weight learned (it asks every 5 s).
        await ward.Ward.WaitForAsync(async () =>
        {
            await ward.SendWeightAsync(Bed, 76.5);
            return await state.GetAttributeAsync("data-settled-weight-known") == "true";
        }, "the settled weight learned on the bed view");
        await Assertions.Expect(state).ToContainTextAsync("settled weight known");

        // The patient gets up: the load falls below half, and the tile shows the high-priority bed exit.
        var tile = page.GetByTestId("bed-7A-03");
        var alarm = tile.Locator("[data-priority=high]", new() { HasText = "Bed exit" });
        await ward.Ward.WaitForAsync(async () =>
        {
            await ward.SendWeightAsync(Bed, 1.5);
            return await alarm.CountAsync() == 1;
        }, "bed exit on the bed view");
        await Screenshots.SaveAsync(page, "station-bed-exit.png");

        // Disarming (the nurse is at the bed) ends the alarm, latched or not.
        await toggle.ClickAsync();
        await Assertions.Expect(state).ToHaveTextAsync("Not armed.");
        await Assertions.Expect(alarm).ToHaveCountAsync(0);

        // The weight is one of the bed's latest readings, named and in kg (the tile's vitals come with a reload).
        await page.ReloadAsync();
        var weight = page.GetByTestId("vital-7A-03-188736");
        await Assertions.Expect(weight.Locator(".name")).ToHaveTextAsync("Weight");
        await Assertions.Expect(weight.Locator(".unit")).ToHaveTextAsync("kg");
        await Assertions.Expect(weight.Locator(".value")).ToHaveTextAsync("1.5");

        // A viewer sees whether the bed is armed, and has no control.
        await toggle.ClickAsync();
        await Assertions.Expect(state).ToHaveAttributeAsync("data-armed", "true");
        await using var viewerContext = await ward.NewContextAsync();
        var viewer = await StationWard.NewPageAsync(viewerContext);
        await ward.SignInLocallyAsync(viewer, StationStaff.Viewer, StationStaff.ViewerPassword, "/station/beds/7A/03");
        await Assertions.Expect(viewer.GetByTestId("bed-exit-state")).ToContainTextAsync("Armed by " + StationStaff.Nurse);
        await Assertions.Expect(viewer.GetByTestId("bed-exit-toggle")).ToHaveCountAsync(0);
        Assert.Empty(ward.BlockedRequests);
    }
}
