using MedIoT.Protocol.Frames;

namespace MedIoT.FirmwareSim.Scenarios;

/// <summary>
/// Plays a <see cref="Scenario"/> second by second, from 0 to its duration, in the order docs/alerts.md §4 gives:
/// staff entries, then the status of every device with status windows (when it changes from what it last reported,
/// starting from none, as serial ingestion reports it), then one frame per device with the readings due that second. Silent devices send neither. The sink keeps time.
/// </summary>
internal static class ScenarioPlayer
{
    /// <summary>Plays <paramref name="scenario"/> into <paramref name="sink"/>; returns the number of frames sent.</summary>
    public static async Task<long> PlayAsync(Scenario scenario, IScenarioSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(sink);
        var statusDevices = scenario.DeviceStatus.Select(window => window.DeviceId).Distinct(StringComparer.Ordinal).ToList();
        var reported = new Dictionary<string, DeviceStatus>(StringComparer.Ordinal);
        long frames = 0;
        for (var second = 0; second <= scenario.DurationSeconds; second++)
        {
            foreach (var entry in scenario.Staff.Where(entry => entry.AtSecond == second))
            {
                await sink.RecordStaffAsync(entry, cancellationToken).ConfigureAwait(false);
            }

            foreach (var device in statusDevices)
            {
                var status = scenario.StatusAt(device, second);
                if (!scenario.IsSilent(device, second) && status != reported.GetValueOrDefault(device))
                {
                    reported[device] = status;
                    await sink.ReportStatusAsync(device, status, cancellationToken).ConfigureAwait(false);
                }
            }

            var due = scenario.Tracks
                .Where(track => second % track.IntervalSeconds == 0 && !scenario.IsSilent(track.DeviceId, second))
                .GroupBy(track => track.DeviceId, StringComparer.Ordinal);
            foreach (var device in due)
            {
                await sink.PublishAsync(device.Key, second, [.. device.Select(track => (track.MdcCode, track.ValueAt(second)))], cancellationToken).ConfigureAwait(false);
                frames++;
            }

            await sink.EndSecondAsync(second, cancellationToken).ConfigureAwait(false);
        }

        return frames;
    }
}
