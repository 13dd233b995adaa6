using MedIoT.Alerts.Technical;
using MedIoT.Gateway.Ingestion;

namespace MedIoT.Gateway.Alerts.Feed;

/// <summary>Turns the device status a verified frame reports (docs/device-protocol.md §3) into the engine's input.</summary>
public static class FrameStatus
{
    /// <summary>
    /// The <see cref="DeviceStatusReport"/> of a frame with a <c>"status"</c> member, placed at the registered device's
    /// bed; null for a frame that reports no status (the device's last reported status stands). The caller processes it
    /// before the frame's readings, so a reading sent with "sensor off" is already invalidated.
    /// </summary>
    public static DeviceStatusReport? From(VerifiedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.Frame.Status is { } status
            ? new DeviceStatusReport(frame.Device.Location, frame.Device.DeviceId, status)
            : null;
    }
}
