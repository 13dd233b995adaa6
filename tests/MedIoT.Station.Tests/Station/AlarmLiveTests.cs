using System.Globalization;
using System.Text.Json;
using MedIoT.Station.Tests.Support;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Station;

/// <summary>
/// A nurse signed in through the hospital's provider sees bed 02's desaturation alarm arrive live and acknowledges it; a
/// physician's station, open at the same time, sees that she did.
/// </summary>
public sealed class AlarmLiveTests(StationWard ward) : IClassFixture<StationWard>
{
    /// <summary>The bound from the gateway's publication to the station's page, and from acknowledging to another station.</summary>
    private static readonly TimeSpan s_live = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Nurse_sees_bed_02s_desaturation_within_2_s_acknowledges_it_and_another_station_sees_her_name_within_2_s()
    {
        await using var watcher = await AlarmTopicWatcher.ConnectAsync(ward.Ward.Mosquitto);
        await using var nurseContext = await ward.NewContextAsync();
        await StationPageProbe.InstallAsync(nurseContext);
        var nurse = await StationWard.NewPageAsync(nurseContext);
        await ward.SignInWithHospitalAsync(nurse, StationStaff.Nurse, StationStaff.NursePassword);
        await using var physicianContext = await ward.NewContextAsync();
        await StationPageProbe.InstallAsync(physicianContext);
        var physician = await StationWard.NewPageAsync(physicianContext);
        await ward.SignInLocallyAsync(physician, StationStaff.Physician, StationStaff.PhysicianPassword);
        await Assertions.Expect(nurse.GetByTestId("user-roles")).ToHaveTextAsync("nurse");
        await Assertions.Expect(physician.GetByTestId("user-roles")).ToHaveTextAsync("physician");
        foreach (var page in new[] { nurse, physician })
        {
            await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-connection", "connected");
        }

        // The other beds read normally; bed 02's oximeter then reads 88 %, under the 92 % limit.
        var now = TimeProvider.System.GetUtcNow();
        foreach (var (bed, saturation, pulse) in new[] { (1, 97.0, 72.0), (3, 95.0, 88.0), (4, 98.0, 64.0), (2, 94.0, 81.0) })
        {
            await ward.SendAsync(bed, now, saturation, pulse);
        }

        await ward.SendAsync(2, TimeProvider.System.GetUtcNow(), 88, 96);
        var raised = await watcher.WaitForAsync(e => e.Event == "raised" && e.Bed == "02" && e.Condition == "vital-below/150456",
            StationWard.Timeout, "raised SpO2 alarm of bed 02");
        var alarm = "alarm-" + raised.AlarmId.ToString(CultureInfo.InvariantCulture);

        // Both stations show it in bed 02's tile without a reload; measured from the gateway's publication.
        foreach (var page in new[] { nurse, physician })
        {
            var shown = page.GetByTestId("bed-7A-02").GetByTestId(alarm);
            await Assertions.Expect(shown).ToBeVisibleAsync();
            await Assertions.Expect(shown).ToContainTextAsync("SpO2 low");
            await Assertions.Expect(shown).ToHaveAttributeAsync("data-priority", "medium");
            var (appearedAt, _) = (await StationPageProbe.FirstSeenAsync(page, alarm))!.Value;
            var publishedAt = await PublishedAtAsync(page, raised.AlarmId, "raised");
            Assert.True(appearedAt - publishedAt <= s_live,
                $"The alarm appeared {(appearedAt - publishedAt).TotalMilliseconds:0} ms after the gateway published it (publishedAt {publishedAt:O}).");
            Assert.True(appearedAt - raised.ReceivedAt <= s_live,
                $"The alarm appeared {(appearedAt - raised.ReceivedAt).TotalMilliseconds:0} ms after it arrived on the MQTT alarm topic.");
        }

        await Assertions.Expect(physician.GetByTestId("ack-" + raised.AlarmId.ToString(CultureInfo.InvariantCulture))).ToBeVisibleAsync();

        // Vitals are not pushed (the overview refreshes them every 10 s): the physician's station, reloaded, shows bed 02's 88 %.
        await physician.ReloadAsync();
        await Assertions.Expect(physician.Locator("body")).ToHaveAttributeAsync("data-connection", "connected");
        await Assertions.Expect(physician.GetByTestId("vital-7A-02-150456")).ToContainTextAsync("88");
        await Assertions.Expect(physician.GetByTestId("bed-7A-02").GetByTestId(alarm)).ToBeVisibleAsync();
        await Screenshots.SaveAsync(physician, "station-overview.png");

        var clickedAt = TimeProvider.System.GetUtcNow();
        await nurse.GetByTestId("ack-" + raised.AlarmId.ToString(CultureInfo.InvariantCulture)).ClickAsync();
        var acknowledgedBy = "acknowledged-by-" + raised.AlarmId.ToString(CultureInfo.InvariantCulture);
        await Assertions.Expect(nurse.GetByTestId(acknowledgedBy)).ToContainTextAsync("Acknowledged by " + StationStaff.Nurse);
        await Assertions.Expect(physician.GetByTestId(acknowledgedBy)).ToContainTextAsync("Acknowledged by " + StationStaff.Nurse);
        var (seenAt, text) = (await StationPageProbe.FirstSeenAsync(physician, acknowledgedBy))!.Value;
        Assert.Contains(StationStaff.Nurse, text, StringComparison.Ordinal);
        Assert.True(seenAt - clickedAt <= s_live, $"The physician's station showed the acknowledgement {(seenAt - clickedAt).TotalMilliseconds:0} ms after the nurse clicked.");
        await Assertions.Expect(physician.GetByTestId("ack-" + raised.AlarmId.ToString(CultureInfo.InvariantCulture))).ToHaveCountAsync(0);

        // The gateway recorded her as the acknowledging staff member in the alarm event itself.
        var acknowledged = await watcher.WaitForAsync(e => e.Event == "acknowledged" && e.AlarmId == raised.AlarmId, StationWard.Timeout, "acknowledged event");
        Assert.Equal(StationStaff.Nurse, acknowledged.Alarm.GetProperty("acknowledgedBy").GetString());
        Assert.Empty(ward.BlockedRequests);
    }

    /// <summary>The <c>publishedAt</c> of the live event <paramref name="kind"/> of alarm <paramref name="alarmId"/> the page received.</summary>
    private static async Task<DateTimeOffset> PublishedAtAsync(IPage page, long alarmId, string kind)
    {
        var events = await StationPageProbe.AlarmEventsAsync(page);
        var match = events.Select(e => e.Event).FirstOrDefault(e => e.GetProperty("event").GetString() == kind && e.GetProperty("alarm").GetProperty("id").GetInt64() == alarmId);
        Assert.True(match.ValueKind == JsonValueKind.Object, $"The page received no live '{kind}' event of alarm {alarmId}.");
        return DateTimeOffset.Parse(match.GetProperty("publishedAt").GetString()!, CultureInfo.InvariantCulture);
    }
}
