using System.Globalization;

namespace MedIoT.Gateway.LoadTest;

/// <summary>A set of durations by nearest rank: how many, the median, the 99th percentile and the largest, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P99, double Max)
{
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        double[] sorted = [.. milliseconds.Order()];
        if (sorted.Length == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN);
        }

        // Nearest rank: the smallest value with at least p of all values at or below it.
        double Rank(double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new LatencySummary(sorted.Length, Rank(0.50), Rank(0.99), sorted[^1]);
    }

    /// <summary>"p50 / p99 / max" for a table cell.</summary>
    public string Cell => string.Create(CultureInfo.InvariantCulture, $"{P50:0.0} / {P99:0.0} / {Max:0.0} ms");
}
