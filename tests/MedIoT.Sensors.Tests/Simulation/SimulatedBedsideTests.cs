using System.Device.Gpio;
using MedIoT.Sensors.Buttons;
using MedIoT.Sensors.LoadCells;
using MedIoT.Sensors.Simulation;
using MedIoT.Sensors.Thermometers;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Sensors.Tests.Simulation;

public sealed class SimulatedBedsideTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);
    private readonly FakeTimeProvider _clock = new();
    private readonly SimulatedBedside _bedside;
    private readonly DebouncedButton _call;
    private readonly DebouncedButton _answer;

    public SimulatedBedsideTests()
    {
        _bedside = new SimulatedBedside(SimulatedBedsidePins.Default, _clock);
        _bedside.Scale.ConversionPeriod = TimeSpan.Zero; // the fake clock stands still while the scale reads
        _call = new DebouncedButton(_bedside.Gpio, SimulatedBedsidePins.Default.CallButtonPin, TimeSpan.FromMilliseconds(30), _clock);
        _answer = new DebouncedButton(_bedside.Gpio, SimulatedBedsidePins.Default.AnswerButtonPin, TimeSpan.FromMilliseconds(30), _clock);
    }

    public void Dispose()
    {
        _call.Dispose();
        _answer.Dispose();
        _bedside.Dispose();
    }

    [Fact]
    public void Apply_presses_each_button_once_per_counter_increase_and_never_twice_for_the_same_state()
    {
        _bedside.Apply(BedsideState.Idle with { CallPresses = 4, AnswerPresses = 1 }); // the baseline
        _bedside.Apply(BedsideState.Idle with { CallPresses = 5, AnswerPresses = 1 });
        _bedside.Apply(BedsideState.Idle with { CallPresses = 5, AnswerPresses = 1 }); // the same file read twice
        _bedside.Apply(BedsideState.Idle with { CallPresses = 7, AnswerPresses = 2 });
        RunUntilButtonsIdle();

        Assert.Equal(3, _bedside.CallButton.PressesFinished);
        Assert.Equal(1, _bedside.AnswerButton.PressesFinished);
        Assert.Equal(3, Drain(_call));
        Assert.Equal(1, Drain(_answer));
    }

    [Fact]
    public void The_first_state_and_a_counter_that_goes_down_set_a_baseline_without_pressing()
    {
        _bedside.Apply(BedsideState.Idle with { CallPresses = 9 });
        _bedside.Apply(BedsideState.Idle with { CallPresses = 0 });
        _bedside.Apply(BedsideState.Idle with { CallPresses = 1 });
        RunUntilButtonsIdle();

        Assert.Equal(1, Drain(_call));
    }

    [Fact]
    public void A_counter_that_jumps_presses_at_most_the_bound()
    {
        _bedside.Apply(BedsideState.Idle);
        _bedside.Apply(BedsideState.Idle with { CallPresses = 1_000_000 });

        Assert.Equal(SimulatedBedside.MaximumPressesPerApply, _bedside.CallButton.PressesStarted);
    }

    [Fact]
    public void Apply_moves_the_load_the_temperatures_and_whether_the_chips_answer()
    {
        using var scale = new BedScale(_bedside.Gpio, SimulatedBedsidePins.Default.ScaleDataPin, SimulatedBedsidePins.Default.ScaleClockPin,
            new LoadCellCalibration(SimulatedHx711.DefaultZeroCounts, SimulatedHx711.DefaultCountsPerKilogram));
        using var thermometer = new InfraredThermometer(_bedside.OpenThermometer(), ThermometerLimits.Body);

        _bedside.Apply(new BedsideState(82.5, 38.7, 24.0, 0, 0, ScaleAnswering: true, ThermometerAnswering: true));
        Assert.Equal(SensorFault.None, scale.TryReadKilograms(out var kilograms));
        Assert.Equal(82.5, kilograms, 0.001);
        Assert.Equal(SensorFault.None, thermometer.TryReadObjectCelsius(out var celsius));
        Assert.Equal(38.7, celsius, 0.02);
        Assert.Equal(24.0, _bedside.Thermometer.AmbientCelsius);

        _bedside.Apply(new BedsideState(82.5, 38.7, 24.0, 0, 0, ScaleAnswering: false, ThermometerAnswering: false));
        Assert.Equal(PinValue.High, _bedside.Gpio.Read(SimulatedBedsidePins.Default.ScaleDataPin));
        Assert.Equal(SensorFault.NotAnswering, thermometer.TryReadObjectCelsius(out _));
    }

    [Fact]
    public void Disposing_a_thermometer_handle_leaves_the_chip_for_the_next_one()
    {
        new InfraredThermometer(_bedside.OpenThermometer(), ThermometerLimits.Body).Dispose();
        using var again = new InfraredThermometer(_bedside.OpenThermometer(), ThermometerLimits.Body);
        Assert.Equal(SensorFault.None, again.TryReadObjectCelsius(out _));
    }

    [Fact]
    public void Out_of_range_states_and_shared_pins_are_refused()
    {
        Assert.Throws<ArgumentException>(() => _bedside.Apply(BedsideState.Idle with { ObjectCelsius = double.NaN }));
        Assert.Throws<ArgumentException>(() => _bedside.Apply(BedsideState.Idle with { CallPresses = -1 }));
        Assert.Throws<ArgumentException>(() => new SimulatedBedside(new SimulatedBedsidePins(5, 6, 6, 7), _clock));
    }

    private void RunUntilButtonsIdle()
    {
        for (var step = 0; step < 10_000 && !(_bedside.CallButton.IsIdle && _bedside.AnswerButton.IsIdle); step++)
        {
            _clock.Advance(Step);
        }

        Assert.True(_bedside.CallButton.IsIdle && _bedside.AnswerButton.IsIdle);
        _clock.AdvanceInSteps(TimeSpan.FromMilliseconds(100), Step);
    }

    private static int Drain(DebouncedButton button)
    {
        var count = 0;
        while (button.Presses.TryRead(out _))
        {
            count++;
        }

        return count;
    }
}
