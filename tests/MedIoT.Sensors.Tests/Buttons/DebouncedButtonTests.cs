using MedIoT.Sensors.Buttons;
using MedIoT.Sensors.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Sensors.Tests.Buttons;

public sealed class DebouncedButtonTests : IDisposable
{
    private const int Pin = 17;
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(30);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 18, 0, 0, TimeSpan.Zero));
    private readonly SimulatedBedside _bedside;

    public DebouncedButtonTests()
    {
        _bedside = new SimulatedBedside(SimulatedBedsidePins.Default, _clock);
    }

    public void Dispose() => _bedside.Dispose();

    [Fact]
    public void A_press_with_contact_bounce_is_exactly_one_press_and_the_bounces_are_counted()
    {
        using var button = NewButton();
        var pressedAt = _clock.GetUtcNow();
        _bedside.CallButton.Press(bounces: 4);
        _clock.AdvanceInSteps(TimeSpan.FromMilliseconds(400), Step);

        Assert.Equal(1, _bedside.CallButton.PressesFinished);
        Assert.True(button.Presses.TryRead(out var press));
        Assert.False(button.Presses.TryRead(out _));
        // The contact closed for good after four bounces of 2 ms each.
        Assert.Equal(pressedAt + TimeSpan.FromMilliseconds(8), press);
        // Four on closing, four on release.
        Assert.Equal(8, button.BouncesIgnored);
        Assert.False(button.IsPressed);
    }

    [Fact]
    public void Two_separate_presses_are_two_presses()
    {
        using var button = NewButton();
        _bedside.CallButton.Press(bounces: 3);
        _bedside.CallButton.Press(bounces: 2);
        _clock.AdvanceInSteps(TimeSpan.FromSeconds(1), Step);

        Assert.Equal(2, _bedside.CallButton.PressesFinished);
        Assert.True(button.Presses.TryRead(out var first));
        Assert.True(button.Presses.TryRead(out var second));
        Assert.False(button.Presses.TryRead(out _));
        Assert.True(second > first);
    }

    [Fact]
    public void A_glitch_shorter_than_the_debounce_time_is_no_press()
    {
        using var button = NewButton();
        _bedside.Driver.DriveLine(Pin, System.Device.Gpio.PinValue.Low);
        _clock.AdvanceInSteps(TimeSpan.FromMilliseconds(10), Step);
        _bedside.Driver.DriveLine(Pin, System.Device.Gpio.PinValue.High);
        _clock.AdvanceInSteps(TimeSpan.FromMilliseconds(200), Step);

        Assert.False(button.Presses.TryRead(out _));
        Assert.Equal(1, button.BouncesIgnored);
    }

    [Fact]
    public void The_press_counts_only_after_the_debounce_time()
    {
        using var button = NewButton();
        _bedside.CallButton.Press();
        _clock.AdvanceInSteps(Debounce - Step, Step);
        Assert.False(button.Presses.TryRead(out _));

        _clock.Advance(Step);
        Assert.True(button.Presses.TryRead(out _));
        Assert.True(button.IsPressed);
    }

    [Fact]
    public void A_button_held_at_start_counts_only_when_pressed_again()
    {
        _bedside.Driver.DriveLine(Pin, System.Device.Gpio.PinValue.Low);
        using var button = NewButton();
        Assert.True(button.IsPressed);
        _clock.AdvanceInSteps(TimeSpan.FromMilliseconds(100), Step);
        _bedside.Driver.DriveLine(Pin, System.Device.Gpio.PinValue.High);
        _clock.AdvanceInSteps(TimeSpan.FromMilliseconds(100), Step);
        Assert.False(button.Presses.TryRead(out _));

        _bedside.CallButton.Press(bounces: 1);
        _clock.AdvanceInSteps(TimeSpan.FromMilliseconds(400), Step);
        Assert.True(button.Presses.TryRead(out _));
        Assert.False(button.Presses.TryRead(out _));
    }

    [Fact]
    public void Presses_nobody_reads_beyond_the_capacity_drop_the_oldest_counted()
    {
        using var button = NewButton();
        const int presses = DebouncedButton.Capacity + 3;
        var first = _clock.GetUtcNow();
        for (var index = 0; index < presses; index++)
        {
            _bedside.CallButton.Press();
        }

        for (var step = 0; step < 20_000 && !_bedside.CallButton.IsIdle; step++)
        {
            _clock.Advance(Step);
        }

        Assert.True(_bedside.CallButton.IsIdle);
        Assert.Equal(3, button.Dropped);
        Assert.Equal(DebouncedButton.Capacity, button.Presses.Count);
        Assert.True(button.Presses.TryPeek(out var oldestKept));
        Assert.True(oldestKept > first);
    }

    [Fact]
    public void An_active_high_button_is_debounced_the_same_way()
    {
        using var pushButton = new SimulatedPushButton(_bedside.Driver, 22, _clock, activeLow: false);
        using var button = new DebouncedButton(_bedside.Gpio, 22, Debounce, _clock, activeLow: false);
        pushButton.Press(bounces: 2);
        _clock.AdvanceInSteps(TimeSpan.FromMilliseconds(400), Step);

        Assert.True(button.Presses.TryRead(out _));
        Assert.False(button.Presses.TryRead(out _));
        Assert.Equal(4, button.BouncesIgnored);
    }

    [Fact]
    public void After_dispose_edges_are_ignored_and_the_reader_completes()
    {
        var button = NewButton();
        button.Dispose();
        _bedside.CallButton.Press();
        _clock.AdvanceInSteps(TimeSpan.FromMilliseconds(400), Step);

        Assert.True(button.Presses.Completion.IsCompleted);
        Assert.False(button.Presses.TryRead(out _));
    }

    private DebouncedButton NewButton() => new(_bedside.Gpio, Pin, Debounce, _clock);
}
