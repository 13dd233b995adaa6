using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedIoT.Gateway.Tests.Alerts.Scenarios;

/// <summary>
/// A simulator scenario from <c>configs/scenarios/</c> (format in docs/alerts.md §4): value tracks per device and
/// code, linearly interpolated between points, optional single-sample spikes, device status windows, silences,
/// staff observations, and the alarms it must raise.
/// </summary>
internal sealed record Scenario(
    string Name,
    string Description,
    string Ward,
    string Bed,
    int DurationSeconds,
    IReadOnlyList<StaffEntry> Staff,
    IReadOnlyList<Track> Tracks,
    IReadOnlyList<StatusWindow> DeviceStatus,
    IReadOnlyList<Silence> Silences,
    IReadOnlyList<ExpectedAlarm> ExpectedAlarms)
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static Scenario Load(string path) =>
        JsonSerializer.Deserialize<Scenario>(File.ReadAllBytes(path), s_options) ?? throw new InvalidDataException($"{path} is empty.");
}

/// <summary>A staff observation at a second: consciousness (ACVPU name) or air/oxygen.</summary>
internal sealed record StaffEntry(int AtSecond, string StaffId, string? Consciousness = null, bool? OnOxygen = null);

/// <summary>
/// One device channel: a reading every <see cref="IntervalSeconds"/>, linearly interpolated between
/// <see cref="Points"/> ([second, value]) and rounded to <see cref="Decimals"/>; a spike replaces the value at its second.
/// </summary>
internal sealed record Track(string DeviceId, int MdcCode, int IntervalSeconds, int Decimals, IReadOnlyList<double[]> Points, IReadOnlyList<double[]>? Spikes = null)
{
    public double ValueAt(int second)
    {
        if (Spikes?.FirstOrDefault(spike => (int)spike[0] == second) is { } spike)
        {
            return spike[1];
        }

        for (var index = 1; index < Points.Count; index++)
        {
            var (from, to) = (Points[index - 1], Points[index]);
            if (second <= to[0])
            {
                var fraction = to[0] == from[0] ? 1 : (second - from[0]) / (to[0] - from[0]);
                return Math.Round(from[1] + (fraction * (to[1] - from[1])), Decimals, MidpointRounding.AwayFromZero);
            }
        }

        return Points[^1][1];
    }
}

/// <summary>From <see cref="FromSecond"/> (inclusive) to <see cref="ToSecond"/> (exclusive) the device reports these flags.</summary>
internal sealed record StatusWindow(string DeviceId, int FromSecond, int ToSecond, IReadOnlyList<string> Status);

/// <summary>From <see cref="FromSecond"/> (inclusive) to <see cref="ToSecond"/> (exclusive) the device sends nothing.</summary>
internal sealed record Silence(string DeviceId, int FromSecond, int ToSecond);

/// <summary>An alarm the scenario must raise: its condition key, the highest priority it reaches, and optionally the second it is raised.</summary>
internal sealed record ExpectedAlarm(string Condition, string HighestPriority, int? RaisedAtSecond = null);
