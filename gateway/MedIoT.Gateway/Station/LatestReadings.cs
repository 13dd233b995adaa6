using System.Collections.Concurrent;
using MedIoT.Alerts;
using MedIoT.Gateway.Ingestion;

namespace MedIoT.Gateway.Station;

/// <summary>
/// The newest reading of each vital at each bed and the last frame of each device, for the station's tiles and IT view.
/// Fed by ingestion through its observer seam with every accepted frame (before it is durable, as the alarms are); keeps
/// one entry per (bed, code) and per device, so its size is bounded by the registry. Never waits.
/// </summary>
internal sealed class LatestReadings(TimeProvider timeProvider) : IIngestionObserver
{
    private readonly ConcurrentDictionary<(BedLocation Bed, int Code), LatestReading> _readings = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastFrames = new(StringComparer.Ordinal);

    public void Observe(in IngestionOutcome outcome)
    {
        if (outcome.Frame is not { } frame)
        {
            return;
        }

        var device = frame.Device;
        _lastFrames[device.DeviceId] = timeProvider.GetUtcNow();
        foreach (var observation in frame.Frame.Observations)
        {
            var reading = new LatestReading(observation.Code, observation.Value, observation.Unit,
                DateTimeOffset.UnixEpoch.AddTicks(observation.TimeUnixNanoseconds / 100), device.DeviceId);
            // A frame that arrives late (measured before the reading held) does not replace it. Static lambdas taking the
            // reading as their argument: on this per-frame path nothing is allocated but the dictionary's own node.
            _readings.AddOrUpdate((device.Location, observation.Code), static (_, reading) => reading,
                static (_, held, reading) => held.MeasuredAt <= reading.MeasuredAt ? reading : held, reading);
        }
    }

    /// <summary>The newest reading of each vital at <paramref name="bed"/>, in code order.</summary>
    public IReadOnlyList<LatestReading> At(BedLocation bed) =>
        [.. _readings.Where(pair => pair.Key.Bed == bed).Select(pair => pair.Value).OrderBy(reading => reading.MdcCode)];

    /// <summary>When the gateway last accepted a frame of <paramref name="deviceId"/>; null if never since start.</summary>
    public DateTimeOffset? LastFrameOf(string deviceId) => _lastFrames.TryGetValue(deviceId, out var at) ? at : null;
}
