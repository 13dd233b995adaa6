using System.Device.Gpio;
using Iot.Device.Hx711;
using MedIoT.Sensors.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Sensors.Tests.Simulation;

public sealed class SimulatedHx711Tests : IDisposable
{
    private const int Dout = 5;
    private const int PdSck = 6;

    private readonly FakeTimeProvider _clock = new();
    private readonly SimulatedGpioDriver _driver = new();
    private readonly GpioController _gpio;
    private readonly SimulatedHx711 _chip;

    public SimulatedHx711Tests()
    {
        _gpio = new GpioController(_driver);
        _chip = new SimulatedHx711(_driver, Dout, PdSck, _clock);
    }

    public void Dispose()
    {
        _chip.Dispose();
        _gpio.Dispose();
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(73.25)]
    [InlineData(-20.0)] // a negative word: two's complement
    public void The_unchanged_binding_reads_the_24_bit_word_for_the_load(double kilograms)
    {
        _chip.Kilograms = kilograms;
        _chip.ConversionPeriod = TimeSpan.Zero;
        using var binding = NewBinding(Hx711Mode.ChannelAGain128);

        Assert.Equal(_chip.CountsFor(kilograms), binding.GetWeight(numberOfReads: 1).Grams, 1e-6);
        Assert.Equal(1, _chip.ConversionsRead);
        Assert.Equal(PinValue.Low, _driver.LevelOf(Dout)); // the next conversion is ready
    }

    [Fact]
    public void The_binding_averages_fifteen_reads_in_one_call()
    {
        // The binding waits for each conversion with no bound, so the fake clock cannot move meanwhile: ready at once.
        _chip.ConversionPeriod = TimeSpan.Zero;
        _chip.Kilograms = 10;
        using var binding = NewBinding(Hx711Mode.ChannelAGain128);

        Assert.Equal(_chip.CountsFor(10), binding.GetWeight(numberOfReads: 15).Grams, 1e-6);
        Assert.Equal(15, _chip.ConversionsRead);
    }

    [Fact]
    public void After_a_read_dout_stays_high_for_the_conversion_period_then_falls()
    {
        _chip.Kilograms = 12;
        using var binding = NewBinding(Hx711Mode.ChannelAGain128);

        Assert.Equal(_chip.CountsFor(12), binding.GetWeight(1).Grams, 1e-6);
        Assert.Equal(PinValue.High, _driver.LevelOf(Dout));
        _clock.Advance(SimulatedHx711.DefaultConversionPeriod - TimeSpan.FromTicks(1));
        Assert.Equal(PinValue.High, _driver.LevelOf(Dout));
        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(PinValue.Low, _driver.LevelOf(Dout));
    }

    [Fact]
    public void A_host_that_loses_step_mid_word_is_back_in_step_after_the_next_conversion()
    {
        _chip.Kilograms = 33;
        using var binding = NewBinding(Hx711Mode.ChannelAGain128);
        _gpio.Write(PdSck, PinValue.High); // a stray pulse: the chip starts shifting a word the host will not finish
        _gpio.Write(PdSck, PinValue.Low);
        _gpio.Write(PdSck, PinValue.High); // then a preempted high phase powers it down
        _clock.Advance(TimeSpan.FromMicroseconds(61));
        _gpio.Write(PdSck, PinValue.Low);
        Assert.Equal(PinValue.High, _driver.LevelOf(Dout));

        _clock.Advance(SimulatedHx711.DefaultConversionPeriod);
        Assert.Equal(_chip.CountsFor(33), binding.GetWeight(1).Grams, 1e-6);
    }

    [Fact]
    public void A_word_left_unfinished_for_a_conversion_period_gives_way_to_a_fresh_conversion()
    {
        _chip.Kilograms = 21;
        _gpio.OpenPin(PdSck, PinMode.Output);
        _gpio.OpenPin(Dout, PinMode.Input);
        for (var pulse = 0; pulse < 5; pulse++)
        {
            _gpio.Write(PdSck, PinValue.High);
            _gpio.Write(PdSck, PinValue.Low);
        }

        _clock.Advance(SimulatedHx711.DefaultConversionPeriod);
        Assert.Equal(PinValue.Low, _driver.LevelOf(Dout));
        using var binding = NewBinding(Hx711Mode.ChannelAGain128);
        Assert.Equal(_chip.CountsFor(21), binding.GetWeight(1).Grams, 1e-6);
    }

    [Fact]
    public void Counts_saturate_at_the_ends_of_the_24_bit_range()
    {
        Assert.Equal(0x7FFFFF, _chip.CountsFor(1e6));
        Assert.Equal(-0x800000, _chip.CountsFor(-1e6));
    }

    [Fact]
    public void Not_answering_keeps_dout_high_whatever_the_clock_does()
    {
        _chip.Answering = false;
        _gpio.OpenPin(PdSck, PinMode.Output);
        _gpio.OpenPin(Dout, PinMode.Input);
        for (var pulse = 0; pulse < 30; pulse++)
        {
            _gpio.Write(PdSck, PinValue.High);
            Assert.Equal(PinValue.High, _gpio.Read(Dout));
            _gpio.Write(PdSck, PinValue.Low);
            Assert.Equal(PinValue.High, _gpio.Read(Dout));
        }

        Assert.Equal(0, _chip.ConversionsRead);
        _chip.Answering = true;
        Assert.Equal(PinValue.Low, _gpio.Read(Dout));
    }

    [Fact]
    public void Clock_high_for_more_than_60_microseconds_powers_down_and_low_resets_to_channel_a_gain_128()
    {
        _chip.ConversionPeriod = TimeSpan.FromMilliseconds(100);
        _chip.Kilograms = 40;
        _gpio.OpenPin(PdSck, PinMode.Output);
        _gpio.OpenPin(Dout, PinMode.Input);

        _gpio.Write(PdSck, PinValue.High);
        _clock.Advance(TimeSpan.FromMicroseconds(59));
        Assert.False(_chip.IsPoweredDown);
        _clock.Advance(TimeSpan.FromMicroseconds(2));
        Assert.True(_chip.IsPoweredDown);

        _gpio.Write(PdSck, PinValue.Low);
        Assert.False(_chip.IsPoweredDown);
        Assert.Equal(PinValue.High, _gpio.Read(Dout)); // converting after the reset
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(PinValue.Low, _gpio.Read(Dout));

        using var binding = NewBinding(Hx711Mode.ChannelAGain128);
        Assert.Equal(_chip.CountsFor(40), binding.GetWeight(1).Grams, 1e-6);
    }

    [Fact]
    public void Twenty_seven_pulses_select_channel_a_gain_64_for_the_next_conversion()
    {
        _chip.ConversionPeriod = TimeSpan.FromMilliseconds(12.5);
        _chip.Kilograms = 30;
        using var binding = NewBinding(Hx711Mode.ChannelAGain64);

        // The first conversion was made at power-up gain 128; reading it with 27 pulses selects gain 64.
        Assert.Equal(_chip.CountsFor(30), binding.GetWeight(1).Grams, 1e-6);
        Assert.Equal(PinValue.High, _driver.LevelOf(Dout));
        _clock.Advance(TimeSpan.FromMilliseconds(12.5));
        Assert.Equal(PinValue.Low, _driver.LevelOf(Dout));

        Assert.Equal(Math.Round(_chip.CountsFor(30) / 2.0), binding.GetWeight(1).Grams, 1e-6);
    }

    [Fact]
    public void Twenty_six_pulses_select_channel_b_gain_32()
    {
        _chip.ConversionPeriod = TimeSpan.FromMilliseconds(12.5);
        _chip.ChannelBCounts = 1234;
        using var binding = NewBinding(Hx711Mode.ChannelBGain32);

        _ = binding.GetWeight(1);
        _clock.Advance(TimeSpan.FromMilliseconds(12.5));
        Assert.Equal(1234, binding.GetWeight(1).Grams, 1e-6);
    }

    private Hx711 NewBinding(Hx711Mode mode)
    {
        var binding = new Hx711(Dout, PdSck, new Hx711Options(mode, useByteLittleEndian: false), _gpio, shouldDispose: false);
        binding.SetConversionRatio(1.0);
        return binding;
    }
}
