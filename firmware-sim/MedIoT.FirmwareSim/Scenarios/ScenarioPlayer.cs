using MedIoT.Protocol.Frames;

namespace MedIoT.FirmwareSim.Scenarios;

/// <summary>
/// Plays a <see cref="Scenario"/> second by second, from 0 to its duration, in the order docs/alerts.md §4 gives:
/// staff entries, then one frame per device with the readings due that second. A device with status windows puts its
/// current status in every frame, and sends a status-only frame (no readings) when its status changes in a second with
/// no reading due. Silent devices send nothing. The sink keeps time.
/// </summary>
internal static class ScenarioPlayer
{
    /// <summary>Plays <paramref name="scenario"/> into <paramref name="sink"/>; returns the number of frames sent.</summary>
    public static async Task<long> PlayAsync(Scenario scenario, IScenarioSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(sink);
        var devices = scenario.DeviceIds;
        var statusDevices = scenario.DeviceStatus.Select(window => window.DeviceId).Distinct(StringComparer.Ordinal).ToList();
        var reported = new Dictionary<string, DeviceStatus>(StringComparer.Ordinal);
        long frames = 0;
        for (var second = 0; second <= scenario.DurationSeconds; second++)
        {
            foreach (var entry in scenario.Staff.Where(entry => entry.AtSecond == second))
            {
                await sink.RecordStaffAsync(entry, cancellationToken).ConfigureAwait(false);
            }

            var due = scenario.Tracks
                .Where(track => second % track.IntervalSeconds == 0 && !scenario.IsSilent(track.DeviceId, second))
                .GroupBy(track => track.DeviceId, StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.ToList(), StringComparer.Ordinal);
            foreach (var device in devices)
            {
                DeviceStatus? status = statusDevices.Contains(device) ? scenario.StatusAt(device, second) : null;
                var changed = status is { } now && !scenario.IsSilent(device, second) && now != reported.GetValueOrDefault(device);
                if (!due.TryGetValue(device, out var tracks) && !changed)
                {
                    continue;
                }

                if (status is { } sent)
                {
                    reported[device] = sent;
                }

                IReadOnlyList<(int Code, double Value)> readings = tracks is null ? [] : [.. tracks.Select(track => (track.MdcCode, track.ValueAt(second)))];
                await sink.PublishAsync(device, second, readings, status, cancellationToken).ConfigureAwait(false);
                frames++;
            }

            await sink.EndSecondAsync(second, cancellationToken).ConfigureAwait(false);
        }

        return frames;
    }
}
