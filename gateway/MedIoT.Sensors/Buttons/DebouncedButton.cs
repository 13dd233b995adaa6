using System.Device.Gpio;
using System.Threading.Channels;

namespace MedIoT.Sensors.Buttons;

/// <summary>
/// A push button on a GPIO input, debounced on the injected <see cref="TimeProvider"/>. A press counts once the pin has
/// stayed at its active level for <c>debounce</c>; a level that changes again sooner was contact bounce, which is ignored
/// and counted in <see cref="BouncesIgnored"/>. The button must then stay released for <c>debounce</c> before another press
/// can count. Edges come from the driver's value-changed callbacks; there is no polling thread.
/// </summary>
public sealed class DebouncedButton : IDisposable
{
    /// <summary>How many confirmed presses wait for a reader before the oldest is dropped (and counted in <see cref="Dropped"/>).</summary>
    public const int Capacity = 16;

    private readonly Lock _gate = new();
    private readonly GpioController _controller;
    private readonly int _pin;
    private readonly TimeSpan _debounce;
    private readonly TimeProvider _timeProvider;
    private readonly bool _activeLow;
    private readonly ITimer _settleTimer;
    private readonly Channel<DateTimeOffset> _presses;

    private bool _pressed;
    private bool _settling;
    private DateTimeOffset _levelSince;
    private long _bouncesIgnored;
    private long _dropped;
    private bool _disposed;

    /// <summary>Opens <paramref name="pin"/> as an input (with the pull resistor that idles it released, where the driver
    /// has one) and starts watching it. A button already held at start counts only after it is released and pressed again.</summary>
    /// <param name="controller">The GPIO controller; stays the caller's.</param>
    /// <param name="pin">The button's input pin.</param>
    /// <param name="debounce">How long a level must last to count, 1 ms..1 s; 20–50 ms suits most buttons.</param>
    /// <param name="timeProvider">The clock for debouncing and press times.</param>
    /// <param name="activeLow">True when pressing pulls the pin low (a button to ground with a pull-up).</param>
    public DebouncedButton(GpioController controller, int pin, TimeSpan debounce, TimeProvider timeProvider, bool activeLow = true)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(debounce, TimeSpan.FromMilliseconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(debounce, TimeSpan.FromSeconds(1));
        _controller = controller;
        _pin = pin;
        _debounce = debounce;
        _timeProvider = timeProvider;
        _activeLow = activeLow;

        // Bounded because presses are events a person makes a few times a minute; a reader that stops reading loses the
        // oldest, counted, rather than the gateway's memory.
        _presses = Channel.CreateBounded<DateTimeOffset>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = false, SingleWriter = true },
            _ => Interlocked.Increment(ref _dropped));
        _settleTimer = timeProvider.CreateTimer(_ => OnSettled(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        var pull = activeLow ? PinMode.InputPullUp : PinMode.InputPullDown;
        controller.OpenPin(pin, controller.IsPinModeSupported(pin, pull) ? pull : PinMode.Input);
        lock (_gate)
        {
            _pressed = IsActive(controller.Read(pin));
            _levelSince = timeProvider.GetUtcNow();
        }

        controller.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
    }

    /// <summary>Each confirmed press, with the time the button's contact closed for good.</summary>
    public ChannelReader<DateTimeOffset> Presses => _presses.Reader;

    /// <summary>Levels that changed again within the debounce time: contact bounce, ignored.</summary>
    public long BouncesIgnored => Interlocked.Read(ref _bouncesIgnored);

    /// <summary>Presses dropped because nobody read <see cref="Presses"/> while <see cref="Capacity"/> were waiting.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Whether the button is pressed now, as debounced.</summary>
    public bool IsPressed
    {
        get { lock (_gate) { return _pressed; } }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _controller.UnregisterCallbackForPinValueChangedEvent(_pin, OnEdge);
        _settleTimer.Dispose();
        _controller.ClosePin(_pin);
        _presses.Writer.TryComplete();
    }

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        var active = IsActive(e.ChangeType == PinEventTypes.Rising ? PinValue.High : PinValue.Low);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_settling)
            {
                // The level that was settling changed before the debounce time: it was bounce.
                Interlocked.Increment(ref _bouncesIgnored);
            }

            if (active == _pressed)
            {
                _settling = false;
                _settleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }

            _settling = true;
            _levelSince = _timeProvider.GetUtcNow();
            _settleTimer.Change(_debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnSettled()
    {
        lock (_gate)
        {
            if (_disposed || !_settling)
            {
                return;
            }

            _settling = false;

            // The level itself decides, not the last edge: an edge the driver missed must not invent a press.
            var active = IsActive(_controller.Read(_pin));
            if (active == _pressed)
            {
                return;
            }

            _pressed = active;
            if (active)
            {
                _presses.Writer.TryWrite(_levelSince);
            }
        }
    }

    private bool IsActive(PinValue level) => (level == PinValue.Low) == _activeLow;
}
