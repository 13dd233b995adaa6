using System.Net;
using MedIoT.Gateway.Tests.Alerts.Scenarios;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>
/// Plays a scenario of configs/scenarios/ through a running gateway, second by second on its alert clock, in the
/// order docs/alerts.md §4 gives: staff entries over the HTTP API, device status as serial ingestion reports it (on
/// change), then one signed frame per device with the readings due that second, published through the broker.
/// The 1 s tick falls half-way between two seconds, after that second's inputs, as in the engine's scenario test.
/// </summary>
internal static class ScenarioPlayer
{
    /// <summary>Plays <paramref name="scenario"/>; returns the moment of its second 0.</summary>
    public static async Task<DateTimeOffset> PlayAsync(AlertGateway gateway, Scenario scenario)
    {
        // The tick timer fires at whole seconds after Origin; second 0 starts half a second later.
        await gateway.AdvanceAsync(TimeSpan.FromMilliseconds(500));
        var start = gateway.Clock.GetUtcNow();
        var reported = new Dictionary<string, DeviceStatus>(StringComparer.Ordinal);
        for (var second = 0; second <= scenario.DurationSeconds; second++)
        {
            var now = gateway.Clock.GetUtcNow();
            foreach (var entry in scenario.Staff.Where(entry => entry.AtSecond == second))
            {
                using var response = entry.Consciousness is { } level
                    ? await gateway.ObserveAsync(scenario.Ward, scenario.Bed, new { staffId = entry.StaffId, consciousness = level })
                    : await gateway.ObserveAsync(scenario.Ward, scenario.Bed, new { staffId = entry.StaffId, onOxygen = entry.OnOxygen!.Value });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            foreach (var device in scenario.DeviceStatus.Select(window => window.DeviceId).Distinct())
            {
                var status = scenario.DeviceStatus
                    .Where(window => window.DeviceId == device && second >= window.FromSecond && second < window.ToSecond)
                    .SelectMany(window => window.Status)
                    .Aggregate(DeviceStatus.None, (flags, name) => flags | Enum.Parse<DeviceStatus>(name));
                if (!IsSilent(scenario, device, second) && status != reported.GetValueOrDefault(device))
                {
                    reported[device] = status;
                    await gateway.ReportStatusAsync(device, status);
                }
            }

            var due = scenario.Tracks
                .Where(track => second % track.IntervalSeconds == 0 && !IsSilent(scenario, track.DeviceId, second))
                .GroupBy(track => track.DeviceId, StringComparer.Ordinal);
            foreach (var device in due)
            {
                await gateway.PublishAsync(device.Key, now, [.. device.Select(track => (track.MdcCode, track.ValueAt(second)))]);
            }

            await gateway.WaitForFramesAsync();
            await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        return start;
    }

    private static bool IsSilent(Scenario scenario, string deviceId, int second) =>
        scenario.Silences.Any(silence => silence.DeviceId == deviceId && second >= silence.FromSecond && second < silence.ToSecond);
}
