using System.Globalization;
using MedIoT.Station.Tests.Support;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Station;

/// <summary>The bed view draws each vital's trend from InfluxDB's <c>vitals</c> measurement as an SVG line.</summary>
public sealed class BedViewTests(StationWard ward) : IClassFixture<StationWard>
{
    private const int Frames = 25;

    [Fact]
    public async Task Bed_view_draws_the_SpO2_and_pulse_trends_of_the_last_hour_from_the_readings_stored_in_InfluxDB()
    {
        // Bed 01's oximeter over the last 48 minutes, one frame every 2 minutes: SpO2 drifting down, pulse up; the last one now.
        var now = TimeProvider.System.GetUtcNow();
        for (var frame = 0; frame < Frames; frame++)
        {
            var minutesAgo = (Frames - 1 - frame) * 2;
            await ward.SendAsync(1, now.AddMinutes(-minutesAgo), 98 - (frame * 0.25) + (frame % 3 * 0.5), 70 + frame + (frame % 4));
        }

        await ward.WaitForStoredReadingsAsync(1, Frames);
        await using var context = await ward.NewContextAsync();
        var page = await StationWard.NewPageAsync(context);
        await ward.SignInLocallyAsync(page, StationStaff.Physician, StationStaff.PhysicianPassword, "/station/beds/7A/01");

        var spo2 = page.GetByTestId("trend-150456");
        await Assertions.Expect(spo2).ToHaveAttributeAsync("data-points", Frames.ToString(CultureInfo.InvariantCulture));
        var points = (await spo2.Locator("svg polyline").GetAttributeAsync("points"))!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(points.Length > 1, "the SpO2 trend has fewer than two points");
        Assert.Equal(Frames, points.Length);
        var xs = points.Select(point => double.Parse(point.Split(',')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(xs.Order(), xs);
        Assert.True(xs[^1] - xs[0] > 300, "48 minutes of a 60-minute window should span most of the chart's width");
        await Assertions.Expect(spo2.Locator("h3")).ToHaveTextAsync("SpO2 (%)");
        await Assertions.Expect(page.GetByTestId("trend-149530")).ToHaveAttributeAsync("data-points", Frames.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("trend-window-1")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page.GetByTestId("trends-unavailable")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("vital-7A-01-150456")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("observation-form")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "station-bed.png");

        // The 4-hour window is downsampled by InfluxQL (mean per interval): fewer points, still a line.
        await page.GetByTestId("trend-window-4").ClickAsync();
        await Assertions.Expect(page.GetByTestId("trend-window-4")).ToHaveAttributeAsync("aria-pressed", "true");
        var downsampled = int.Parse((await page.GetByTestId("trend-150456").GetAttributeAsync("data-points"))!, CultureInfo.InvariantCulture);
        Assert.InRange(downsampled, 2, Frames);
        Assert.Empty(ward.BlockedRequests);
    }
}
