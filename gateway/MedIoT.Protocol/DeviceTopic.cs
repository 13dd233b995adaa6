using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol;

/// <summary>The MQTT topic layout of device frames: <c>mediot/v1/devices/{deviceId}/frames</c> (docs/device-protocol.md).</summary>
public static class DeviceTopic
{
    private const string Prefix = "mediot/v1/devices/";
    private const string Suffix = "/frames";

    /// <summary>The topic a device publishes its frames to.</summary>
    /// <exception cref="ArgumentException"><paramref name="deviceId"/> is not a valid device id.</exception>
    public static string ForFrames(string deviceId)
    {
        if (!DeviceFrame.IsValidDeviceId(deviceId))
        {
            throw new ArgumentException($"'{deviceId}' is not a valid device id.", nameof(deviceId));
        }

        return Prefix + deviceId + Suffix;
    }

    /// <summary>Reads the device id out of a frames topic; false for any other topic.</summary>
    public static bool TryParseFrames(string topic, out string deviceId)
    {
        deviceId = string.Empty;
        if (!topic.StartsWith(Prefix, StringComparison.Ordinal) || !topic.EndsWith(Suffix, StringComparison.Ordinal)
            || topic.Length <= Prefix.Length + Suffix.Length)
        {
            return false;
        }

        var candidate = topic[Prefix.Length..^Suffix.Length];
        if (!DeviceFrame.IsValidDeviceId(candidate))
        {
            return false;
        }

        deviceId = candidate;
        return true;
    }
}
