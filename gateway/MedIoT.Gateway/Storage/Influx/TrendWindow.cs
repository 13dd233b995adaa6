namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// A window of a bed's trends (docs/station.md, "Trends"): the last hour as stored, longer windows as the mean of fixed
/// intervals (InfluxQL <c>mean(value) ... GROUP BY time(interval)</c>), so no window sends the page more than a few
/// hundred points per vital (the 1 h window: one reading a second at most).
/// </summary>
/// <param name="Hours">The window's length in hours.</param>
/// <param name="Interval">The downsampling interval; null for the stored points.</param>
/// <param name="MaximumPoints">The most points per vital the page gets.</param>
internal sealed record TrendWindow(int Hours, TimeSpan? Interval, int MaximumPoints)
{
    /// <summary>The windows the bed view offers, shortest first.</summary>
    public static IReadOnlyList<TrendWindow> All { get; } =
    [
        new(1, null, 3600),
        new(4, TimeSpan.FromSeconds(30), 480),
        new(12, TimeSpan.FromMinutes(1), 720),
        new(24, TimeSpan.FromMinutes(2), 720),
    ];

    /// <summary>The window of <paramref name="hours"/>; false for any other length.</summary>
    public static bool TryGet(int hours, out TrendWindow window)
    {
        window = All.FirstOrDefault(candidate => candidate.Hours == hours)!;
        return window is not null;
    }
}
