using System.Text;

namespace MedIoT.Protocol.Frames;

/// <summary>
/// The names of the <see cref="DeviceStatus"/> flags in a frame's <c>"status"</c> member (docs/device-protocol.md §3).
/// The table is part of the wire contract, fixed here rather than derived from the C# member names, so renaming a
/// member can never change what devices send.
/// </summary>
public static class DeviceStatusNames
{
    /// <summary>Every flag a frame can carry, in the order the serialiser writes them (ascending bit).</summary>
    public static DeviceStatus AllFlags { get; } =
        DeviceStatus.NoSensor | DeviceStatus.DefectiveSensor | DeviceStatus.SensorOff | DeviceStatus.UnrecognisedSensor |
        DeviceStatus.NoCable | DeviceStatus.LowPerfusion | DeviceStatus.LowSignalQuality | DeviceStatus.PulseSearch |
        DeviceStatus.Interference | DeviceStatus.LowBattery | DeviceStatus.AlarmSilenced;

    /// <summary>How many distinct names there are, so the most items a valid <c>"status"</c> array can hold.</summary>
    public const int Count = 11;

    /// <summary>The longest name in bytes.</summary>
    internal const int MaxNameBytes = 24;

    private static readonly (DeviceStatus Flag, string Name)[] s_table =
    [
        (DeviceStatus.NoSensor, "no-sensor"),
        (DeviceStatus.DefectiveSensor, "defective-sensor"),
        (DeviceStatus.SensorOff, "sensor-off"),
        (DeviceStatus.UnrecognisedSensor, "unrecognised-sensor"),
        (DeviceStatus.NoCable, "no-cable"),
        (DeviceStatus.LowPerfusion, "low-perfusion"),
        (DeviceStatus.LowSignalQuality, "low-signal-quality"),
        (DeviceStatus.PulseSearch, "pulse-search"),
        (DeviceStatus.Interference, "interference"),
        (DeviceStatus.LowBattery, "low-battery"),
        (DeviceStatus.AlarmSilenced, "alarm-silenced"),
    ];

    private static readonly byte[][] s_utf8 = [.. s_table.Select(entry => Encoding.ASCII.GetBytes(entry.Name))];

    /// <summary>The wire name of one flag, for example <c>sensor-off</c> for <see cref="DeviceStatus.SensorOff"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="flag"/> is not exactly one known flag.</exception>
    public static string NameOf(DeviceStatus flag)
    {
        foreach (var (candidate, name) in s_table)
        {
            if (candidate == flag)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(flag), flag, "Not exactly one known device status flag.");
    }

    /// <summary>The wire names of the flags set in <paramref name="status"/>, in ascending bit order.</summary>
    public static IEnumerable<string> NamesOf(DeviceStatus status)
    {
        foreach (var (flag, name) in s_table)
        {
            if ((status & flag) != 0)
            {
                yield return name;
            }
        }
    }

    /// <summary>The flag named <paramref name="name"/> (exact, case-sensitive); false for any other text.</summary>
    public static bool TryParse(string name, out DeviceStatus flag)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (candidate, known) in s_table)
        {
            if (string.Equals(known, name, StringComparison.Ordinal))
            {
                flag = candidate;
                return true;
            }
        }

        flag = DeviceStatus.None;
        return false;
    }

    /// <summary>The UTF-8 form of <see cref="TryParse(string, out DeviceStatus)"/>.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> name, out DeviceStatus flag)
    {
        for (var index = 0; index < s_table.Length; index++)
        {
            if (name.SequenceEqual(s_utf8[index]))
            {
                flag = s_table[index].Flag;
                return true;
            }
        }

        flag = DeviceStatus.None;
        return false;
    }
}
