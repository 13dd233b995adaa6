using System.Device.Gpio;
using System.Device.I2c;

namespace MedIoT.Sensors.Simulation;

/// <summary>
/// One simulated bedside: a <see cref="SimulatedGpioDriver"/> with an HX711 and two push buttons on the given pins, an
/// MLX90614 at 0x5A, and <see cref="Apply"/> to move them to a <see cref="BedsideState"/>. The gateway uses it when its
/// attached sensors run on the simulated bus; tests use it directly.
/// </summary>
public sealed class SimulatedBedside : IDisposable
{
    /// <summary>At most this many presses per button per <see cref="Apply"/>: a counter that jumps further is taken as
    /// a new baseline after these, so a corrupt or foreign file cannot queue presses without end.</summary>
    public const int MaximumPressesPerApply = 10;

    private readonly Lock _gate = new();
    private int? _lastCallPresses;
    private int? _lastAnswerPresses;

    /// <summary>Builds the bedside on <paramref name="pins"/>, with time from <paramref name="timeProvider"/>.</summary>
    public SimulatedBedside(SimulatedBedsidePins pins, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(pins);
        ArgumentNullException.ThrowIfNull(timeProvider);
        int[] used = [pins.ScaleDataPin, pins.ScaleClockPin, pins.CallButtonPin, pins.AnswerButtonPin];
        if (used.Distinct().Count() != used.Length)
        {
            throw new ArgumentException($"The bedside's pins must be distinct: {pins}.", nameof(pins));
        }

        Driver = new SimulatedGpioDriver();
        Gpio = new GpioController(Driver);
        Scale = new SimulatedHx711(Driver, pins.ScaleDataPin, pins.ScaleClockPin, timeProvider);
        Thermometer = new SimulatedMlx90614();
        CallButton = new SimulatedPushButton(Driver, pins.CallButtonPin, timeProvider);
        AnswerButton = new SimulatedPushButton(Driver, pins.AnswerButtonPin, timeProvider);
    }

    /// <summary>The driver under <see cref="Gpio"/>.</summary>
    public SimulatedGpioDriver Driver { get; }

    /// <summary>A GPIO controller over <see cref="Driver"/>, for <c>BedScale</c> and <c>DebouncedButton</c>.</summary>
    public GpioController Gpio { get; }

    /// <summary>The HX711 on the scale pins.</summary>
    public SimulatedHx711 Scale { get; }

    /// <summary>The MLX90614 at address 0x5A.</summary>
    public SimulatedMlx90614 Thermometer { get; }

    /// <summary>The patient's call button.</summary>
    public SimulatedPushButton CallButton { get; }

    /// <summary>The answer button at the bed, for staff.</summary>
    public SimulatedPushButton AnswerButton { get; }

    /// <summary>A handle on the one simulated MLX90614 (address 0x5A); disposing it leaves the chip in place.</summary>
    public I2cDevice OpenThermometer() => new SimulatedI2cHandle(Thermometer);

    /// <summary>
    /// Sets the load, the temperatures and whether each chip answers, and presses each button once for every increase of
    /// its counter since the last state applied. The first state applied sets the counters' baseline without pressing (a
    /// gateway starting against an old state file must not replay old presses); a counter that goes down (the simulator
    /// restarted) sets a new baseline the same way.
    /// </summary>
    /// <exception cref="ArgumentException">The state is out of range (<see cref="BedsideState.Problem"/>).</exception>
    public void Apply(BedsideState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(state));
        }

        lock (_gate)
        {
            Scale.Kilograms = state.LoadKilograms;
            Scale.Answering = state.ScaleAnswering;
            Thermometer.ObjectCelsius = state.ObjectCelsius;
            Thermometer.AmbientCelsius = state.AmbientCelsius;
            Thermometer.Answering = state.ThermometerAnswering;
            PressFor(CallButton, ref _lastCallPresses, state.CallPresses);
            PressFor(AnswerButton, ref _lastAnswerPresses, state.AnswerPresses);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        CallButton.Dispose();
        AnswerButton.Dispose();
        Scale.Dispose();
        Gpio.Dispose();
        Thermometer.Dispose();
    }

    private static void PressFor(SimulatedPushButton button, ref int? last, int counter)
    {
        if (last is { } previous && counter > previous)
        {
            for (var press = previous; press < counter && press - previous < MaximumPressesPerApply; press++)
            {
                button.Press(bounces: 3);
            }
        }

        last = counter;
    }
}
