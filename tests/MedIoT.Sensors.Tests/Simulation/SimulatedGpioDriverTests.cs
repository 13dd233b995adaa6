using System.Device.Gpio;
using MedIoT.Sensors.Simulation;

namespace MedIoT.Sensors.Tests.Simulation;

public sealed class SimulatedGpioDriverTests : IDisposable
{
    private readonly SimulatedGpioDriver _driver = new();
    private readonly GpioController _gpio;

    public SimulatedGpioDriverTests()
    {
        _gpio = new GpioController(_driver);
    }

    public void Dispose() => _gpio.Dispose();

    [Fact]
    public void Output_writes_reach_chips_watching_the_pin_and_read_back()
    {
        var seen = new List<PinValue>();
        using var watch = _driver.WatchOutput(3, seen.Add);
        _gpio.OpenPin(3, PinMode.Output);
        _gpio.Write(3, PinValue.High);
        _gpio.Write(3, PinValue.High);
        _gpio.Write(3, PinValue.Low);

        Assert.Equal([PinValue.High, PinValue.High, PinValue.Low], seen);
        Assert.Equal(PinValue.Low, _gpio.Read(3));
    }

    [Fact]
    public void Writing_an_input_pin_does_not_drive_its_line()
    {
        _gpio.OpenPin(4, PinMode.InputPullUp);
        _gpio.Write(4, PinValue.Low);
        Assert.Equal(PinValue.High, _gpio.Read(4));
    }

    [Fact]
    public void An_undriven_input_follows_its_pull_and_a_driven_one_its_driver()
    {
        _gpio.OpenPin(7, PinMode.InputPullUp);
        Assert.Equal(PinValue.High, _gpio.Read(7));
        _driver.DriveLine(7, PinValue.Low);
        Assert.Equal(PinValue.Low, _gpio.Read(7));
        _driver.DriveLine(7, null);
        Assert.Equal(PinValue.High, _gpio.Read(7));
    }

    [Fact]
    public void Callbacks_see_each_edge_of_the_kind_they_asked_for()
    {
        _gpio.OpenPin(8, PinMode.InputPullUp);
        var falling = 0;
        var both = new List<PinEventTypes>();
        _gpio.RegisterCallbackForPinValueChangedEvent(8, PinEventTypes.Falling, (_, _) => falling++);
        _gpio.RegisterCallbackForPinValueChangedEvent(8, PinEventTypes.Falling | PinEventTypes.Rising, (_, e) => both.Add(e.ChangeType));

        _driver.DriveLine(8, PinValue.Low);
        _driver.DriveLine(8, PinValue.Low); // no change, no edge
        _driver.DriveLine(8, PinValue.High);

        Assert.Equal(1, falling);
        Assert.Equal([PinEventTypes.Falling, PinEventTypes.Rising], both);
    }

    [Fact]
    public async Task Wait_for_event_times_out_without_an_edge_and_returns_on_one()
    {
        _gpio.OpenPin(9, PinMode.InputPullUp);
        Assert.True((await _gpio.WaitForEventAsync(9, PinEventTypes.Falling, TimeSpan.FromMilliseconds(20))).TimedOut);

        var wait = _gpio.WaitForEventAsync(9, PinEventTypes.Falling, TimeSpan.FromSeconds(30)).AsTask();
        // Edges before the waiter registers are not seen (an edge is an event, not a level): drive once it waits.
        Assert.True(SpinWait.SpinUntil(() => _driver.EventWaitersOn(9) > 0, TimeSpan.FromSeconds(30)), "the waiter never registered");
        _driver.DriveLine(9, PinValue.Low);
        _driver.DriveLine(9, PinValue.High);

        var result = await wait.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(result.TimedOut);
        Assert.Equal(PinEventTypes.Falling, result.EventTypes);
    }

    [Fact]
    public void Pins_outside_the_header_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _driver.DriveLine(64, PinValue.Low));
}
