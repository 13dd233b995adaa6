using MedIoT.Alerts.Physiological;
using MedIoT.Gateway.Ingestion;

namespace MedIoT.Gateway.Alerts.Feed;

/// <summary>Turns a verified frame into the readings the alert engine takes (for the ingestion wiring).</summary>
public static class FrameReadings
{
    /// <summary>
    /// One <see cref="VitalReading"/> per observation, placed at the registered device's bed, measured at the
    /// observation's time (UTC nanoseconds, truncated to the 100 ns resolution of <see cref="DateTimeOffset"/>) and
    /// received at <paramref name="receivedAt"/>.
    /// </summary>
    public static IEnumerable<VitalReading> From(VerifiedFrame frame, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var bed = frame.Device.Location;
        foreach (var observation in frame.Frame.Observations)
        {
            var measuredAt = DateTimeOffset.UnixEpoch.AddTicks(observation.TimeUnixNanoseconds / 100);
            yield return new VitalReading(bed, frame.Device.DeviceId, observation.Code, observation.Value, measuredAt, receivedAt);
        }
    }
}
