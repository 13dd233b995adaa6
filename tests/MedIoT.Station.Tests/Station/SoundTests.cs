using System.Globalization;
using System.Text.Json;
using MedIoT.Station.Tests.Support;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Station;

/// <summary>
/// Alarm sound (docs/station.md, "Sound"): off, with a visible banner, until one click enables it (browsers allow audio
/// only after a gesture); then medium and high alarms each sound their own tone, and acknowledging an alarm silences it.
/// The page's Web Audio oscillators are observed by wrapping <c>OscillatorNode.start</c> before the page loads.
/// </summary>
public sealed class SoundTests(StationWard ward) : IClassFixture<StationWard>
{
    // Records the frequency of every tone the page starts.
    private const string ToneProbe = """
        window.__tones = [];
        const start = OscillatorNode.prototype.start;
        OscillatorNode.prototype.start = function (...args) { window.__tones.push(this.frequency.value); return start.apply(this, args); };
        """;

    private static readonly PageWaitForFunctionOptions s_toneWait = new() { Timeout = 15_000, PollingInterval = 100 };

    [Fact]
    public async Task Sound_is_off_with_a_banner_until_enabled_then_each_priority_sounds_its_own_tone_until_acknowledged()
    {
        await using var watcher = await AlarmTopicWatcher.ConnectAsync(ward.Ward.Mosquitto);
        await using var context = await ward.NewContextAsync();
        await context.AddInitScriptAsync(ToneProbe);
        var page = await StationWard.NewPageAsync(context);
        await ward.SignInLocallyAsync(page, StationStaff.Physician, StationStaff.PhysicianPassword);
        var body = page.Locator("body");
        await Assertions.Expect(body).ToHaveAttributeAsync("data-connection", "connected");
        await Assertions.Expect(page.GetByTestId("sound-off")).ToBeVisibleAsync();
        await Assertions.Expect(body).ToHaveAttributeAsync("data-sound", "off");

        // SpO2 88 %: a medium alarm. It is due to sound, but nothing plays before the click.
        await ward.SendAsync(4, TimeProvider.System.GetUtcNow(), 88, 70);
        var medium = await watcher.WaitForAsync(e => e.Event == "raised" && e.Bed == "04" && e.Condition == "vital-below/150456",
            StationWard.Timeout, "medium SpO2 alarm of bed 04");
        Assert.Equal("medium", medium.Alarm.GetProperty("priority").GetString());
        await Assertions.Expect(body).ToHaveAttributeAsync("data-sounding", "medium");
        Assert.Empty(await TonesAsync(page));

        await page.GetByTestId("enable-sound").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sound-off")).ToBeHiddenAsync();
        await Assertions.Expect(body).ToHaveAttributeAsync("data-sound", "on");
        await page.WaitForFunctionAsync("n => window.__tones.length >= n", 3, s_toneWait);
        var mediumTones = await TonesAsync(page);
        var mediumTone = mediumTones[0];
        Assert.All(mediumTones, tone => Assert.Equal(mediumTone, tone));

        await AcknowledgeAsync(page, medium.AlarmId);
        await Assertions.Expect(body).ToHaveAttributeAsync("data-sounding", "none");

        // SpO2 80 % at another bed: a high alarm, with a tone of its own, silenced by acknowledging it too.
        var before = (await TonesAsync(page)).Count;
        await ward.SendAsync(1, TimeProvider.System.GetUtcNow(), 80, 110);
        var high = await watcher.WaitForAsync(e => e.Event == "raised" && e.Bed == "01" && e.Condition == "vital-below/150456",
            StationWard.Timeout, "high SpO2 alarm of bed 01");
        Assert.Equal("high", high.Alarm.GetProperty("priority").GetString());
        await Assertions.Expect(body).ToHaveAttributeAsync("data-sounding", "high");
        // The high-priority burst: 10 pulses (3 + 2, a pause, 3 + 2).
        await page.WaitForFunctionAsync("n => window.__tones.length >= n", before + 10, s_toneWait);
        var highTones = (await TonesAsync(page)).Skip(before).ToList();
        Assert.All(highTones, tone => Assert.Equal(highTones[0], tone));
        Assert.True(highTones[0] > mediumTone, $"The high-priority tone ({highTones[0]} Hz) is not above the medium one ({mediumTone} Hz).");

        await AcknowledgeAsync(page, high.AlarmId);
        await Assertions.Expect(body).ToHaveAttributeAsync("data-sounding", "none");
        await Assertions.Expect(body).ToHaveAttributeAsync("data-sound", "on");
        Assert.Empty(ward.BlockedRequests);
    }

    private static async Task AcknowledgeAsync(IPage page, long alarmId)
    {
        var id = alarmId.ToString(CultureInfo.InvariantCulture);
        await page.GetByTestId("ack-" + id).ClickAsync();
        await Assertions.Expect(page.GetByTestId("acknowledged-by-" + id)).ToContainTextAsync(StationStaff.Physician);
    }

    private static async Task<List<double>> TonesAsync(IPage page) =>
        [.. (await page.EvaluateAsync<JsonElement>("() => window.__tones")).EnumerateArray().Select(tone => tone.GetDouble())];
}
