namespace MedIoT.Gateway.Journal;

/// <summary>
/// Receive-to-durable latencies in 50 µs buckets up to 200 ms (and one bucket beyond), for percentiles in
/// <c>GET /health</c> and the load benchmark. Lock-free; percentiles are the upper bound of their bucket (200.05 ms
/// stands for "200 ms or more").
/// </summary>
internal sealed class LatencyHistogram
{
    private const double BucketMilliseconds = 0.05;
    private const int Buckets = 4000;
    private readonly long[] _counts = new long[Buckets + 1];

    public void Record(double milliseconds)
    {
        var bucket = milliseconds <= 0 ? 0 : (int)Math.Min(Buckets, milliseconds / BucketMilliseconds);
        Interlocked.Increment(ref _counts[bucket]);
    }

    /// <summary>The latency below which <paramref name="fraction"/> of the recorded ones fall, in milliseconds; 0 when none was recorded.</summary>
    public double Percentile(double fraction)
    {
        var total = 0L;
        for (var bucket = 0; bucket <= Buckets; bucket++)
        {
            total += Interlocked.Read(ref _counts[bucket]);
        }

        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(fraction * total);
        var seen = 0L;
        for (var bucket = 0; bucket <= Buckets; bucket++)
        {
            seen += Interlocked.Read(ref _counts[bucket]);
            if (seen >= rank)
            {
                return (bucket + 1) * BucketMilliseconds;
            }
        }

        return (Buckets + 1) * BucketMilliseconds;
    }
}
