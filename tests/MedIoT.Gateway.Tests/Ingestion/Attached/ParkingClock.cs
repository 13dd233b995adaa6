using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Gateway.Tests.Ingestion.Attached;

/// <summary>
/// A fake clock as a sensor loop sees it, telling the test each time the loop parks on a delay (each delay creates one
/// timer): the test moves the clock only once the loop waits, so no sample is skipped or taken twice.
/// </summary>
internal sealed class ParkingClock(FakeTimeProvider clock) : TimeProvider
{
    private readonly SemaphoreSlim _timers = new(0);

    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override long GetTimestamp() => clock.GetTimestamp();

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = clock.CreateTimer(callback, state, dueTime, period);
        _timers.Release();
        return timer;
    }

    /// <summary>Completes when the loop has parked on its next delay (at most 30 s).</summary>
    public async Task WaitForTimerAsync()
    {
        Assert.True(await _timers.WaitAsync(TimeSpan.FromSeconds(30)), "The sensor loop did not park on its next delay.");
    }
}
