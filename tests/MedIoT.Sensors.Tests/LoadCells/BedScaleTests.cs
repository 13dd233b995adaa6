using System.Diagnostics;
using MedIoT.Sensors.LoadCells;
using MedIoT.Sensors.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Sensors.Tests.LoadCells;

public sealed class BedScaleTests : IDisposable
{
    private static readonly LoadCellCalibration Simulated = new(SimulatedHx711.DefaultZeroCounts, SimulatedHx711.DefaultCountsPerKilogram);

    private readonly FakeTimeProvider _clock = new();
    private readonly SimulatedBedside _bedside;

    public BedScaleTests()
    {
        _bedside = new SimulatedBedside(SimulatedBedsidePins.Default, _clock);

        // The scale reads three conversions in one blocking call while this fake clock stands still, so each is ready at
        // once; Reads_at_the_chips_data_rate_follow_the_clock covers the 80 samples/s timing.
        _bedside.Scale.ConversionPeriod = TimeSpan.Zero;
    }

    public void Dispose() => _bedside.Dispose();

    [Fact]
    public void Tare_and_a_known_weight_calibrate_the_scale_to_the_right_kilograms()
    {
        // A bridge whose offset and sensitivity the test does not tell the scale.
        _bedside.Scale.ZeroCounts = -123_456;
        _bedside.Scale.CountsPerKilogram = 7_321.5;
        double empty;
        double loaded;
        using (var uncalibrated = NewScale(new LoadCellCalibration(0, 1)))
        {
            _bedside.Scale.Kilograms = 0;
            Assert.Equal(SensorFault.None, uncalibrated.TryReadCounts(out empty));
            _bedside.Scale.Kilograms = 50;
            Assert.Equal(SensorFault.None, uncalibrated.TryReadCounts(out loaded));
        }

        var calibration = BedScale.Calibrate(empty, loaded, knownKilograms: 50);

        Assert.Equal(-123_456, calibration.ZeroCounts, 1);
        Assert.Equal(7_321.5, calibration.CountsPerKilogram, 0.1);

        using var scale = NewScale(calibration);
        foreach (var kilograms in new[] { 0.0, 12.5, 81.3, 142.0 })
        {
            _bedside.Scale.Kilograms = kilograms;
            Assert.Equal(SensorFault.None, scale.TryReadKilograms(out var read));
            Assert.Equal(kilograms, read, 0.001);
        }
    }

    [Fact]
    public void A_sample_whose_conversions_agree_with_none_other_is_refused_but_one_stray_conversion_is_outvoted()
    {
        using var scale = NewScale(Simulated);
        // The load changes after every 25-pulse word, as if garbage words came out of a chip powered down mid-read.
        double[] words = [72.4, 10, 41];
        var pulses = 0;
        using var watch = _bedside.Driver.WatchOutput(SimulatedBedsidePins.Default.ScaleClockPin, level =>
        {
            if (level == System.Device.Gpio.PinValue.High && ++pulses % 25 == 0)
            {
                _bedside.Scale.Kilograms = words[pulses / 25 % words.Length];
            }
        });
        _bedside.Scale.Kilograms = words[0];
        Assert.Equal(SensorFault.Implausible, scale.TryReadKilograms(out var refused));
        Assert.True(double.IsNaN(refused));

        words = [72.4, 72.5, 41];
        pulses = 0;
        _bedside.Scale.Kilograms = words[0];
        Assert.Equal(SensorFault.None, scale.TryReadKilograms(out var outvoted));
        Assert.InRange(outvoted, 72.3, 72.6);
    }

    [Fact]
    public void A_changing_load_is_followed_read_by_read()
    {
        using var scale = NewScale(Simulated);
        double[] loads = [0, 78.4, 78.6, 40.2, 3.1, 0, 78.5];
        var before = _bedside.Scale.ConversionsRead;
        foreach (var load in loads)
        {
            _bedside.Scale.Kilograms = load;
            Assert.Equal(SensorFault.None, scale.TryReadKilograms(out var read));
            Assert.Equal(load, read, 0.001);
        }

        Assert.Equal(loads.Length * 3, _bedside.Scale.ConversionsRead - before);
    }

    [Fact]
    public async Task A_silent_hx711_is_not_answering_within_the_bound_and_recovers_when_it_answers()
    {
        using var scale = NewScale(Simulated);
        _bedside.Scale.Kilograms = 70;
        Assert.Equal(SensorFault.None, scale.TryReadKilograms(out _));

        _bedside.Scale.Answering = false;
        var read = OnItsOwnThread(() => scale.TryReadKilograms(out _));
        // The bound is ReadyTimeout per sample; the wait here only keeps a broken build from hanging the test run.
        Assert.Equal(SensorFault.NotAnswering, await read.WaitAsync(BedScale.ReadyTimeout * 20));

        _bedside.Scale.Answering = true;
        Assert.Equal(SensorFault.None, scale.TryReadKilograms(out var kilograms));
        Assert.Equal(70, kilograms, 0.001);
    }

    [Fact]
    public async Task The_scale_waits_for_a_conversion_that_becomes_ready_while_it_waits()
    {
        using var scale = NewScale(Simulated);
        _bedside.Scale.Kilograms = 65;
        _bedside.Scale.Answering = false;

        var read = OnItsOwnThread(() => (Fault: scale.TryReadKilograms(out var kilograms), Kilograms: kilograms));
        _bedside.Scale.Answering = true;

        var (fault, kilograms) = await read.WaitAsync(BedScale.ReadyTimeout * 20);
        Assert.Equal(SensorFault.None, fault);
        Assert.Equal(65, kilograms, 0.001);
    }

    [Fact]
    public async Task Reads_at_the_chips_data_rate_follow_the_clock()
    {
        _bedside.Scale.ConversionPeriod = SimulatedHx711.DefaultConversionPeriod;
        using var scale = NewScale(Simulated);
        var before = _bedside.Scale.ConversionsRead;
        foreach (var load in new[] { 80.0, 79.5, 12.0 })
        {
            _bedside.Scale.Kilograms = load;
            var read = OnItsOwnThread(() => (Fault: scale.TryReadKilograms(out var kilograms), Kilograms: kilograms));
            AdvanceWhileTheScaleWaits(read);

            var (fault, kilograms) = await read;
            Assert.Equal(SensorFault.None, fault);
            Assert.Equal(load, kilograms, 0.001);
        }

        Assert.Equal(9, _bedside.Scale.ConversionsRead - before);
    }

    [Theory]
    [InlineData(-25.0)]
    [InlineData(401.0)]
    public void Loads_outside_the_plausible_range_are_implausible(double kilograms)
    {
        using var scale = NewScale(Simulated);
        _bedside.Scale.Kilograms = kilograms;

        Assert.Equal(SensorFault.Implausible, scale.TryReadKilograms(out var read));
        Assert.True(double.IsNaN(read));
    }

    [Fact]
    public void A_saturated_adc_word_is_implausible_even_for_raw_counts()
    {
        using var scale = NewScale(Simulated);
        _bedside.Scale.Kilograms = 5_000; // beyond the 24-bit range at 5,000 counts/kg

        Assert.Equal(SensorFault.Implausible, scale.TryReadCounts(out var counts));
        Assert.True(double.IsNaN(counts));
    }

    [Theory]
    [InlineData(0.0, 1000.0, 0.0)]
    [InlineData(0.0, 1000.0, -5.0)]
    [InlineData(0.0, 1000.0, double.NaN)]
    [InlineData(double.PositiveInfinity, 1000.0, 10.0)]
    [InlineData(0.0, double.NaN, 10.0)]
    [InlineData(1000.0, 1000.0, 10.0)] // the weight changed nothing
    [InlineData(1000.0, 1005.0, 10.0)] // half a count per kilogram: not wired
    public void Calibrate_refuses_nonsense(double empty, double loaded, double known) =>
        Assert.Throws<ArgumentException>(() => BedScale.Calibrate(empty, loaded, known));

    [Fact]
    public void Calibrate_accepts_cells_wired_so_that_load_lowers_the_count()
    {
        var calibration = BedScale.Calibrate(10_000, -40_000, 10);
        Assert.Equal(-5_000, calibration.CountsPerKilogram);
        Assert.Equal(10, calibration.KilogramsFor(-40_000), 1e-9);
    }

    [Fact]
    public void A_scale_refuses_an_unusable_calibration() =>
        Assert.Throws<ArgumentException>(() => NewScale(new LoadCellCalibration(0, 0)));

    [Fact]
    public void Disposing_the_scale_releases_its_pins_so_a_new_scale_can_open_them()
    {
        NewScale(Simulated).Dispose();
        using var again = NewScale(Simulated);
        Assert.Equal(SensorFault.None, again.TryReadCounts(out _));
    }

    // Moves the fake clock one conversion period each time the scale blocks waiting for DOUT, and only then: advancing it
    // while the scale clocks bits would hold PD_SCK high for 12.5 ms of simulated time and power the chip down mid-word.
    // The read runs on its own thread and this loop on the test's, so neither waits for the thread pool; bounded in time.
    private void AdvanceWhileTheScaleWaits(Task read)
    {
        var dataPin = SimulatedBedsidePins.Default.ScaleDataPin;
        var bound = Stopwatch.StartNew();
        while (!read.IsCompleted && bound.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_bedside.Driver.EventWaitersOn(dataPin) > 0)
            {
                _clock.Advance(SimulatedHx711.DefaultConversionPeriod);
            }
            else
            {
                Thread.Yield();
            }
        }

        Assert.True(read.IsCompleted, "the scale did not finish reading while the clock moved");
    }

    private static Task<T> OnItsOwnThread<T>(Func<T> read) =>
        Task.Factory.StartNew(read, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private BedScale NewScale(LoadCellCalibration calibration) =>
        new(_bedside.Gpio, SimulatedBedsidePins.Default.ScaleDataPin, SimulatedBedsidePins.Default.ScaleClockPin, calibration);
}
