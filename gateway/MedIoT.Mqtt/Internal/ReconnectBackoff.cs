namespace MedIoT.Mqtt.Internal;

/// <summary>
/// Exponential backoff with jitter for reconnect attempts: each failure doubles the delay up to a cap, and
/// each wait is a random 50–100 % of the current delay, so clients that lost the same broker do not all
/// come back at the same instant.
/// </summary>
internal static class ReconnectBackoff
{
    /// <summary>The wait for <paramref name="delay"/> given a uniform random <paramref name="sample"/> in [0, 1).</summary>
    public static TimeSpan Jitter(TimeSpan delay, double sample) =>
        TimeSpan.FromTicks((long)(delay.Ticks * (0.5 + (Math.Clamp(sample, 0, 1) / 2))));

    /// <summary>The delay after one more failure: doubled, at most <paramref name="maximum"/>.</summary>
    public static TimeSpan Next(TimeSpan delay, TimeSpan maximum) =>
        delay.Ticks >= maximum.Ticks / 2 ? maximum : TimeSpan.FromTicks(delay.Ticks * 2);
}
