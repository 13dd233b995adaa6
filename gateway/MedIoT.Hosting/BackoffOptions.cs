namespace MedIoT.Hosting;

/// <summary>
/// How long a retry loop waits between attempts: <see cref="InitialDelay"/> before the first retry, doubling for each
/// further one, never more than <see cref="MaximumDelay"/>. With <see cref="UseJitter"/> the delays are spread at random
/// around that curve (<see cref="Backoff"/> describes Polly's formula), so that many clients that failed together do not
/// retry together.
/// </summary>
/// <param name="InitialDelay">The delay before the first retry; more than zero and at most one day.</param>
/// <param name="MaximumDelay">The longest delay; at least <paramref name="InitialDelay"/> and at most one day.</param>
/// <param name="UseJitter">Whether the delays are randomised.</param>
public sealed record BackoffOptions(TimeSpan InitialDelay, TimeSpan MaximumDelay, bool UseJitter)
{
    private static readonly TimeSpan s_longest = TimeSpan.FromDays(1);

    /// <summary>The delays in milliseconds, as settings give them (<c>ReconnectInitialDelayMilliseconds</c>, ...).</summary>
    public static BackoffOptions FromMilliseconds(int initialDelayMilliseconds, int maximumDelayMilliseconds, bool useJitter) =>
        new(TimeSpan.FromMilliseconds(initialDelayMilliseconds), TimeSpan.FromMilliseconds(maximumDelayMilliseconds), useJitter);

    /// <summary>Throws when the delays are out of range (a programming error: settings are validated at start).</summary>
    internal void ThrowIfInvalid()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(InitialDelay, TimeSpan.Zero, nameof(InitialDelay));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(InitialDelay, s_longest, nameof(InitialDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumDelay, InitialDelay, nameof(MaximumDelay));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaximumDelay, s_longest, nameof(MaximumDelay));
    }
}
