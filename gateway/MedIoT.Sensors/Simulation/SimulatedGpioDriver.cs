using System.Device.Gpio;

namespace MedIoT.Sensors.Simulation;

/// <summary>
/// A GPIO driver with no hardware behind it: pins, modes, levels and value-changed callbacks, so that
/// <see cref="GpioController"/> and the bindings built on it run unchanged. Simulated chips watch the lines the host
/// drives (<see cref="WatchOutput"/>) and drive the lines the host reads (<see cref="DriveLine"/>).
/// </summary>
/// <remarks>
/// Each line has one electrical level. A host <see cref="Write(int, PinValue)"/> sets it on an output pin; a chip or a
/// button sets it with <see cref="DriveLine"/>; a line nobody drives follows its pull resistor (pull-up high, otherwise
/// low). Every change of level raises the rising or falling callbacks registered for that pin, synchronously on the
/// thread that changed it, as an interrupt would.
/// </remarks>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly Lock _gate = new();
    private readonly Line[] _lines;

    /// <summary>Creates a driver with <paramref name="pinCount"/> pins numbered from 0.</summary>
    /// <param name="pinCount">How many pins the simulated header has (1..1024; a Raspberry Pi header has 28 GPIOs).</param>
    public SimulatedGpioDriver(int pinCount = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pinCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pinCount, 1024);
        _lines = new Line[pinCount];
        for (var pin = 0; pin < pinCount; pin++)
        {
            _lines[pin] = new Line();
        }
    }

    /// <inheritdoc />
    protected override int PinCount => _lines.Length;

    /// <summary>Calls <paramref name="listener"/> with the new level each time the host writes <paramref name="pin"/> (also
    /// when the level does not change: a chip sees every write). Returns a registration that stops it.</summary>
    public IDisposable WatchOutput(int pin, Action<PinValue> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var line = LineAt(pin);
        lock (_gate)
        {
            line.OutputListeners.Add(listener);
        }

        return new Registration(() =>
        {
            lock (_gate)
            {
                line.OutputListeners.Remove(listener);
            }
        });
    }

    /// <summary>Drives <paramref name="pin"/> from outside the host (a chip's output or a button's contact); the
    /// host reads this level. <see langword="null"/> releases the line to its pull resistor.</summary>
    public void DriveLine(int pin, PinValue? level) => ChangeLine(pin, line => line.External = level);

    /// <summary>The level on <paramref name="pin"/> now, whoever drives it (for tests and chips).</summary>
    public PinValue LevelOf(int pin)
    {
        var line = LineAt(pin);
        lock (_gate)
        {
            return line.Level;
        }
    }

    /// <summary>How many threads are blocked in <see cref="GpioController.WaitForEvent(int, PinEventTypes, TimeSpan)"/> on
    /// <paramref name="pin"/> now. A waiter leaves on the edge that wakes it, before the edge's other callbacks run.</summary>
    public int EventWaitersOn(int pin)
    {
        var line = LineAt(pin);
        lock (_gate)
        {
            return line.Waiters;
        }
    }

    /// <inheritdoc />
    protected override void OpenPin(int pinNumber)
    {
        var line = LineAt(pinNumber);
        lock (_gate)
        {
            line.Open = true;
        }
    }

    /// <inheritdoc />
    protected override void ClosePin(int pinNumber)
    {
        var line = LineAt(pinNumber);
        lock (_gate)
        {
            line.Open = false;
            line.Mode = PinMode.Input;
            line.Callbacks.Clear();
        }
    }

    /// <inheritdoc />
    protected override void SetPinMode(int pinNumber, PinMode mode) => ChangeLine(pinNumber, line => line.Mode = mode);

    /// <inheritdoc />
    protected override PinMode GetPinMode(int pinNumber)
    {
        var line = LineAt(pinNumber);
        lock (_gate)
        {
            return line.Mode;
        }
    }

    /// <inheritdoc />
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    /// <inheritdoc />
    protected override PinValue Read(int pinNumber) => LevelOf(pinNumber);

    /// <inheritdoc />
    protected override void Write(int pinNumber, PinValue value)
    {
        var line = LineAt(pinNumber);
        PinValue before;
        PinValue after;
        Action<PinValue>[] listeners;
        lock (_gate)
        {
            // On an input the write only sets the output latch, as on a real SoC: the line keeps following its driver.
            before = line.Level;
            line.Written = value;
            after = line.Level;
            listeners = [.. line.OutputListeners];
        }

        RaiseEdge(pinNumber, line, before, after);
        foreach (var listener in listeners)
        {
            listener(value);
        }
    }

    /// <inheritdoc />
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        var line = LineAt(pinNumber);
        using var seen = new ManualResetEventSlim();
        var seenType = PinEventTypes.None;
        Callback? registration = null;
        void OnEdge(object sender, PinValueChangedEventArgs e)
        {
            // Leave the waiters at once, on the thread that made the edge, so EventWaitersOn is 0 as soon as the edge is.
            lock (_gate)
            {
                if (!line.Callbacks.Remove(registration!))
                {
                    return;
                }

                line.Waiters--;
                seenType = e.ChangeType;
            }

            seen.Set();
        }

        registration = new Callback(eventTypes, OnEdge);
        lock (_gate)
        {
            line.Callbacks.Add(registration);
            line.Waiters++;
        }

        try
        {
            seen.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = seenType, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            lock (_gate)
            {
                if (line.Callbacks.Remove(registration))
                {
                    line.Waiters--;
                }
            }
        }
    }

    /// <inheritdoc />
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var line = LineAt(pinNumber);
        lock (_gate)
        {
            line.Callbacks.Add(new Callback(eventTypes, callback));
        }
    }

    /// <inheritdoc />
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        var line = LineAt(pinNumber);
        lock (_gate)
        {
            line.Callbacks.RemoveAll(c => c.Handler == callback);
        }
    }

    private Line LineAt(int pin)
    {
        if ((uint)pin >= (uint)_lines.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(pin), pin, $"The simulated driver has pins 0..{_lines.Length - 1}.");
        }

        return _lines[pin];
    }

    // Changes a line under the lock, then raises the edge its level made, if any, outside it.
    private void ChangeLine(int pin, Action<Line> change)
    {
        var line = LineAt(pin);
        PinValue before;
        PinValue after;
        lock (_gate)
        {
            before = line.Level;
            change(line);
            after = line.Level;
        }

        RaiseEdge(pin, line, before, after);
    }

    private void RaiseEdge(int pin, Line line, PinValue before, PinValue after)
    {
        if (before == after)
        {
            return;
        }

        var edge = after == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
        Callback[] callbacks;
        lock (_gate)
        {
            callbacks = [.. line.Callbacks.Where(c => (c.EventTypes & edge) != 0)];
        }

        var args = new PinValueChangedEventArgs(edge, pin);
        foreach (var callback in callbacks)
        {
            callback.Handler(this, args);
        }
    }

    // A class, not a record: each registration is itself, even when two register the same handler.
    private sealed class Callback(PinEventTypes eventTypes, PinChangeEventHandler handler)
    {
        public PinEventTypes EventTypes => eventTypes;

        public PinChangeEventHandler Handler => handler;
    }

    private sealed class Line
    {
        public bool Open { get; set; }

        public PinMode Mode { get; set; } = PinMode.Input;

        public PinValue Written { get; set; } = PinValue.Low;

        public PinValue? External { get; set; }

        public List<Callback> Callbacks { get; } = [];

        public int Waiters { get; set; }

        public List<Action<PinValue>> OutputListeners { get; } = [];

        // An output pin carries what the host wrote; an input carries what drives it from outside, else its pull.
        public PinValue Level => Mode == PinMode.Output
            ? Written
            : External ?? (Mode == PinMode.InputPullUp ? PinValue.High : PinValue.Low);
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
