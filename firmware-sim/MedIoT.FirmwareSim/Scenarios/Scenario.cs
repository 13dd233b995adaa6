using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using MedIoT.Protocol.Frames;

namespace MedIoT.FirmwareSim.Scenarios;

/// <summary>
/// A simulator scenario from <c>configs/scenarios/</c> (format in docs/alerts.md §4): value tracks per device and
/// code, linearly interpolated between points, optional single-sample spikes, device status windows, silences,
/// staff observations, and the alarms it must raise. One model for the simulator's <c>scenario</c> command and the
/// tests; <see cref="Load"/> refuses a file that is not a valid, bounded scenario.
/// </summary>
internal sealed partial record Scenario(
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
    /// <summary>The longest scenario accepted (a day): bounds how long a player runs.</summary>
    public const int MaxDurationSeconds = 86_400;

    private const int MaxFileBytes = 1 << 20;

    private static readonly JsonSerializerOptions s_options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 8,
    };

    /// <summary>The device ids the scenario plays (tracks, status windows and silences), in first-seen order.</summary>
    public IReadOnlyList<string> DeviceIds =>
        [.. Tracks.Select(track => track.DeviceId).Concat(DeviceStatus.Select(window => window.DeviceId)).Concat(Silences.Select(silence => silence.DeviceId)).Distinct(StringComparer.Ordinal)];

    /// <summary>Reads and validates a scenario file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid scenario; the message says what is wrong.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Scenario Load(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
        {
            throw new InvalidDataException($"'{path}' is {length} bytes; a scenario is at most {MaxFileBytes} bytes.");
        }

        Scenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<Scenario>(File.ReadAllBytes(path), s_options);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"'{path}' is not a scenario: {exception.Message}", exception);
        }

        if (scenario is null)
        {
            throw new InvalidDataException($"'{path}' is empty.");
        }

        return scenario.Problem() is { } problem ? throw new InvalidDataException($"'{path}': {problem}") : scenario;
    }

    /// <summary>The first thing that makes this scenario unplayable, or null.</summary>
    public string? Problem()
    {
        if (!PlacePattern().IsMatch(Ward) || !PlacePattern().IsMatch(Bed))
        {
            return "ward and bed must be 1-32 of A-Z a-z 0-9 . _ -.";
        }

        if (DurationSeconds is < 1 or > MaxDurationSeconds)
        {
            return $"durationSeconds must be 1-{MaxDurationSeconds}.";
        }

        if (DeviceIds.FirstOrDefault(id => !DeviceIdPattern().IsMatch(id)) is { } badId)
        {
            return $"device id '{badId}' must be 1-{DeviceFrame.MaxDeviceIdLength} of A-Z a-z 0-9 . _ -.";
        }

        foreach (var track in Tracks)
        {
            if (!MdcCodes.TryGetUnit(track.MdcCode, out _))
            {
                return $"track of '{track.DeviceId}': MDC code {track.MdcCode} is not one the gateway knows (docs/device-protocol.md).";
            }

            if (track.IntervalSeconds is < 1 or > 3600 || track.Decimals is < 0 or > 6 || track.Points.Count == 0 ||
                track.Points.Concat(track.Spikes ?? []).Any(point => point.Length != 2 || !double.IsFinite(point[0]) || !double.IsFinite(point[1])) ||
                track.Points.Zip(track.Points.Skip(1)).Any(pair => pair.Second[0] < pair.First[0]))
            {
                return $"track {track.MdcCode} of '{track.DeviceId}': intervalSeconds 1-3600, decimals 0-6, and one or more [second, value] points in time order are needed.";
            }
        }

        foreach (var entry in Staff)
        {
            if ((entry.Consciousness is null) == (entry.OnOxygen is null) || entry.AtSecond < 0 || string.IsNullOrWhiteSpace(entry.StaffId))
            {
                return $"staff entry at {entry.AtSecond} s: a staffId and exactly one of consciousness or onOxygen are needed.";
            }
        }

        foreach (var window in DeviceStatus)
        {
            if (window.ToSecond < window.FromSecond || window.Status.Any(name => !Enum.TryParse<DeviceStatus>(name, ignoreCase: false, out _) || int.TryParse(name, out _)))
            {
                return $"status window of '{window.DeviceId}': fromSecond <= toSecond and DeviceStatus names are needed.";
            }
        }

        return Silences.Any(silence => silence.ToSecond < silence.FromSecond) ? "a silence needs fromSecond <= toSecond." : null;
    }

    /// <summary>Whether <paramref name="deviceId"/> sends nothing at <paramref name="second"/>.</summary>
    public bool IsSilent(string deviceId, int second) =>
        Silences.Any(silence => silence.DeviceId == deviceId && second >= silence.FromSecond && second < silence.ToSecond);

    /// <summary>The status <paramref name="deviceId"/> reports at <paramref name="second"/>.</summary>
    public DeviceStatus StatusAt(string deviceId, int second) =>
        DeviceStatus
            .Where(window => window.DeviceId == deviceId && second >= window.FromSecond && second < window.ToSecond)
            .SelectMany(window => window.Status)
            .Aggregate(Protocol.Frames.DeviceStatus.None, (flags, name) => flags | Enum.Parse<DeviceStatus>(name));

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex DeviceIdPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,32}$")]
    private static partial Regex PlacePattern();
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
                var fraction = to[0] == from[0] ? 1 : Math.Max(0, (second - from[0]) / (to[0] - from[0]));
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
