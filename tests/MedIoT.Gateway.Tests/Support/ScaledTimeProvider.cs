namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// A clock that runs <c>factor</c> times faster than the wall clock, starting <c>behind</c> it: its timers fire
/// <c>factor</c> times sooner. For playing a scenario sped up through a whole gateway whose alert service must see the
/// scenario's time line (persistence delays, freshness windows, device silence) compressed the same way.
/// </summary>
internal sealed class ScaledTimeProvider : TimeProvider
{
    private readonly double _factor;
    private readonly DateTimeOffset _origin;
    private readonly long _originTimestamp;

    public ScaledTimeProvider(double factor, TimeSpan behind)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        _factor = factor;
        _origin = System.GetUtcNow() - behind;
        _originTimestamp = System.GetTimestamp();
    }

    public override DateTimeOffset GetUtcNow() => _origin + (System.GetElapsedTime(_originTimestamp) * _factor);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(System.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    private TimeSpan Scale(TimeSpan time) => time == Timeout.InfiniteTimeSpan || time == TimeSpan.Zero ? time : time / _factor;

    private sealed class ScaledTimer(ITimer timer, ScaledTimeProvider clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(clock.Scale(dueTime), clock.Scale(period));

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
