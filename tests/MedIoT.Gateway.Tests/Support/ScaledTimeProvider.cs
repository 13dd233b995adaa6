namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// A clock that runs <c>factor</c> times faster than the wall clock, starting <c>behind</c> it: its timers fire
/// <c>factor</c> times sooner. For playing a scenario sped up through a whole gateway whose alert service must see the
/// scenario's time line (persistence delays, freshness windows, device silence) compressed the same way.
/// </summary>
/// <remarks>
/// Kept beside FakeTimeProvider, the tests' fake clock, because that one only moves when a test advances it: here the
/// time must run on by itself, in step with the simulator's own wall-clock pacing in another process
/// (<c>mediot-sim scenario --speed</c>), with real timers firing on their own threads. Driving a FakeTimeProvider from a
/// real timer would rebuild this class with more moving parts.
/// </remarks>
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
