using System.Device.Gpio;

namespace MedIoT.Sensors.Simulation;

/// <summary>
/// A push button's contact on an input line of a <see cref="SimulatedGpioDriver"/>. <see cref="Press(int)"/> closes the
/// contact with contact bounce (the contact opening and closing again a few times, <see cref="BounceInterval"/> apart),
/// holds it for <see cref="HoldTime"/> and releases it with the same bounce, all scheduled on the injected
/// <see cref="TimeProvider"/>. Presses made while one is under way follow it, <see cref="GapBetweenPresses"/> apart.
/// </summary>
/// <remarks>With a fake clock, advance it in steps no longer than <see cref="BounceInterval"/> so every edge happens at
/// its own time, as it would on a wire.</remarks>
public sealed class SimulatedPushButton : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SimulatedGpioDriver _driver;
    private readonly int _pin;
    private readonly TimeProvider _timeProvider;
    private readonly bool _activeLow;
    private readonly ITimer _timer;
    private readonly Queue<Step> _steps = new();
    private DateTimeOffset _lastStepAt = DateTimeOffset.MinValue;
    private long _pressesStarted;
    private long _pressesFinished;

    /// <summary>Puts a released button on <paramref name="pin"/>. Active low (the default) means a press pulls the line
    /// to ground and a release leaves it high (to the host's pull-up).</summary>
    public SimulatedPushButton(SimulatedGpioDriver driver, int pin, TimeProvider timeProvider, bool activeLow = true)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _driver = driver;
        _pin = pin;
        _timeProvider = timeProvider;
        _activeLow = activeLow;
        _timer = timeProvider.CreateTimer(_ => ApplyDueSteps(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Drive(active: false);
    }

    /// <summary>Time between the contact's changes while it bounces (default 1 ms; real contacts bounce for a few ms).</summary>
    public TimeSpan BounceInterval { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>How long a press holds the contact closed after its bounce (default 150 ms, a quick human press).</summary>
    public TimeSpan HoldTime { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Time between one press's release and the next queued press (default 150 ms).</summary>
    public TimeSpan GapBetweenPresses { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Presses asked for so far.</summary>
    public long PressesStarted => Interlocked.Read(ref _pressesStarted);

    /// <summary>Presses whose release has happened.</summary>
    public long PressesFinished => Interlocked.Read(ref _pressesFinished);

    /// <summary>Whether no press is under way or waiting.</summary>
    public bool IsIdle
    {
        get { lock (_gate) { return _steps.Count == 0; } }
    }

    /// <summary>Presses the button once, with <paramref name="bounces"/> bounces (0..20) on closing and on release.</summary>
    public void Press(int bounces = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bounces);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bounces, 20);
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            var at = _steps.Count == 0 ? now : _lastStepAt + GapBetweenPresses;
            Interlocked.Increment(ref _pressesStarted);
            Schedule(ref at, active: true, bounces, endsPress: false);
            at += HoldTime;
            Schedule(ref at, active: false, bounces, endsPress: true);
            ApplyDueSteps();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    // Under _gate: the contact goes to `active`, bounces back and forth `bounces` times, and stays at `active`.
    private void Schedule(ref DateTimeOffset at, bool active, int bounces, bool endsPress)
    {
        for (var bounce = 0; bounce < bounces; bounce++)
        {
            _steps.Enqueue(new Step(at, active, EndsPress: false));
            at += BounceInterval;
            _steps.Enqueue(new Step(at, !active, EndsPress: false));
            at += BounceInterval;
        }

        _steps.Enqueue(new Step(at, active, endsPress));
        _lastStepAt = at;
    }

    private void ApplyDueSteps()
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            while (_steps.TryPeek(out var step) && step.At <= now)
            {
                _steps.Dequeue();
                Drive(step.Active);
                if (step.EndsPress)
                {
                    Interlocked.Increment(ref _pressesFinished);
                }
            }

            var next = _steps.TryPeek(out var pending) ? pending.At - now : Timeout.InfiniteTimeSpan;
            _timer.Change(next, Timeout.InfiniteTimeSpan);
        }
    }

    private void Drive(bool active) => _driver.DriveLine(_pin, active == _activeLow ? PinValue.Low : PinValue.High);

    private sealed record Step(DateTimeOffset At, bool Active, bool EndsPress);
}
