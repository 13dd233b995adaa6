using System.Diagnostics.Metrics;

namespace MedIoT.Hosting;

/// <summary>
/// The bucket bounds of every latency histogram of the services, in seconds: 0.5 ms to 10 s, about three per decade, so a
/// fsync on an SD card (tens of ms) and a broker pass on loopback (below 1 ms) both land in a bucket of their own.
/// Exporters that honour instrument advice (OpenTelemetry's does) use them instead of their millisecond-sized defaults.
/// </summary>
public static class LatencyBuckets
{
    /// <summary>The upper bounds, in seconds.</summary>
    public static IReadOnlyList<double> Seconds { get; } =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>The advice to pass to <see cref="Meter.CreateHistogram{T}(string, string?, string?, IEnumerable{KeyValuePair{string, object?}}?, InstrumentAdvice{T}?)"/>.</summary>
    public static InstrumentAdvice<double> Advice { get; } = new() { HistogramBucketBoundaries = Seconds };
}
