using System.Device.Gpio;
using Iot.Device.Hx711;

namespace MedIoT.Sensors.LoadCells;

/// <summary>
/// The load on a bed from its load cells through an HX711, read with the unchanged <see cref="Hx711"/> binding (bit-banged
/// on GPIO, channel A gain 128). Not thread-safe: one sampling loop reads it; each read blocks the calling thread.
/// </summary>
/// <remarks>
/// The binding waits for DOUT low with no time limit, so a chip that is unplugged or unpowered would hang it. Before each
/// conversion this class waits for DOUT low itself, on the pin's falling-edge event with <see cref="ReadyTimeout"/> as the
/// bound, and reports <see cref="SensorFault.NotAnswering"/> instead. The binding's own wait is then never entered with
/// DOUT high, except for a chip that dies in the few microseconds between the check and the binding's read.
/// </remarks>
public sealed class BedScale : IDisposable
{
    /// <summary>The lightest plausible reading: the bed's tare drifts a little, and an empty bed can read slightly negative;
    /// less than −20 kg means the cells or their calibration are wrong.</summary>
    public const double MinimumPlausibleKilograms = -20;

    /// <summary>The heaviest plausible reading: a patient with bedding and equipment on a standard ward bed (safe working
    /// loads are around 250 kg) stays well under 400 kg; more means a fault.</summary>
    public const double MaximumPlausibleKilograms = 400;

    // Full-scale HX711 words mean the input left the ADC's range (datasheet: output saturates at 800000h and 7FFFFFh).
    private const double SaturatedHigh = 0x7FFFFF;
    private const double SaturatedLow = -0x800000;

    private readonly GpioController _controller;
    private readonly int _dataPin;
    private readonly LoadCellCalibration _calibration;
    private readonly int _readsPerSample;
    private readonly Hx711 _binding;
    private readonly double[] _conversions;

    /// <summary>Opens <paramref name="dataPin"/> (DOUT, input) and <paramref name="clockPin"/> (PD_SCK, output) on
    /// <paramref name="controller"/>, which stays the caller's.</summary>
    /// <param name="controller">The GPIO controller; not disposed by the scale.</param>
    /// <param name="dataPin">The HX711's DOUT pin.</param>
    /// <param name="clockPin">The HX711's PD_SCK pin.</param>
    /// <param name="calibration">The bed's calibration (<see cref="Calibrate"/>).</param>
    /// <param name="readsPerSample">Conversions per sample, 1..15; the sample is their median, so one glitch in three is ignored.</param>
    public BedScale(GpioController controller, int dataPin, int clockPin, LoadCellCalibration calibration, int readsPerSample = 3)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentOutOfRangeException.ThrowIfLessThan(readsPerSample, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(readsPerSample, 15);
        if (calibration.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(calibration));
        }

        _controller = controller;
        _dataPin = dataPin;
        _calibration = calibration;
        _readsPerSample = readsPerSample;
        _conversions = new double[readsPerSample];
        _binding = new Hx711(dataPin, clockPin, new Hx711Options(Hx711Mode.ChannelAGain128, useByteLittleEndian: false), controller, shouldDispose: false);

        // One "gram" per count: GetWeight then returns the raw 24-bit conversion, since PowerUp (which would read 30
        // conversions, unbounded, to learn an offset) and Tare are never called and both offsets stay 0.
        _binding.SetConversionRatio(1.0);
    }

    /// <summary>
    /// The most, in kilograms, by which a sample's median conversion may differ from its nearest neighbour: a patient's
    /// movement within the 37 ms of three conversions is far less, a garbage word far more.
    /// </summary>
    public const double ConfirmingKilograms = 1.0;

    /// <summary>How long one conversion may take to become ready before the chip counts as not answering: two and a
    /// half periods at the HX711's slow rate of 10 samples/s (RATE pin low).</summary>
    public static TimeSpan ReadyTimeout { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The calibration this scale converts with.</summary>
    public LoadCellCalibration Calibration => _calibration;

    /// <summary>Reads the median of <c>readsPerSample</c> raw conversions, for calibration.</summary>
    /// <param name="counts">The counts when the result is <see cref="SensorFault.None"/>; otherwise NaN.</param>
    public SensorFault TryReadCounts(out double counts)
    {
        counts = double.NaN;
        for (var index = 0; index < _readsPerSample; index++)
        {
            var fault = TryReadConversion(out _conversions[index]);
            if (fault != SensorFault.None)
            {
                return fault;
            }
        }

        Array.Sort(_conversions);
        var middle = _readsPerSample / 2;
        counts = _readsPerSample % 2 == 1 ? _conversions[middle] : (_conversions[middle - 1] + _conversions[middle]) / 2;
        return SensorFault.None;
    }

    /// <summary>Reads the load in kilograms; <see cref="SensorFault.Implausible"/> outside
    /// <see cref="MinimumPlausibleKilograms"/>..<see cref="MaximumPlausibleKilograms"/>.</summary>
    /// <param name="kilograms">The load when the result is <see cref="SensorFault.None"/>; otherwise NaN.</param>
    public SensorFault TryReadKilograms(out double kilograms)
    {
        kilograms = double.NaN;
        var fault = TryReadCounts(out var counts);
        if (fault != SensorFault.None)
        {
            return fault;
        }

        // A host paused for more than 60 µs while clocking powers the HX711 down mid-word (datasheet, "Power down"): one
        // garbage word, which the median hides. Two in one sample could agree with nothing; the median must be confirmed
        // by a neighbouring conversion within ConfirmingKilograms, or the sample is refused rather than stored wrong.
        if (_readsPerSample >= 3)
        {
            var middle = _readsPerSample / 2;
            var nearest = Math.Min(_conversions[middle] - _conversions[middle - 1], _conversions[middle + 1] - _conversions[middle]);
            if (nearest / Math.Abs(_calibration.CountsPerKilogram) > ConfirmingKilograms)
            {
                return SensorFault.Implausible;
            }
        }

        var value = _calibration.KilogramsFor(counts);
        if (!(value >= MinimumPlausibleKilograms && value <= MaximumPlausibleKilograms))
        {
            return SensorFault.Implausible;
        }

        kilograms = value;
        return SensorFault.None;
    }

    /// <summary>The calibration from the counts read with the bed empty and with <paramref name="knownKilograms"/> on it.</summary>
    /// <exception cref="ArgumentException">A value is not finite, the known weight is not positive, or the load changed the
    /// counts by less than <see cref="LoadCellCalibration.MinimumCountsPerKilogram"/> per kilogram.</exception>
    public static LoadCellCalibration Calibrate(double emptyCounts, double loadedCounts, double knownKilograms)
    {
        if (!double.IsFinite(emptyCounts))
        {
            throw new ArgumentException($"The empty reading ({emptyCounts}) must be a finite number of counts.", nameof(emptyCounts));
        }

        if (!double.IsFinite(loadedCounts))
        {
            throw new ArgumentException($"The loaded reading ({loadedCounts}) must be a finite number of counts.", nameof(loadedCounts));
        }

        if (!double.IsFinite(knownKilograms) || knownKilograms <= 0 || knownKilograms > MaximumPlausibleKilograms)
        {
            throw new ArgumentException($"The known weight ({knownKilograms} kg) must be more than 0 and at most {MaximumPlausibleKilograms} kg.", nameof(knownKilograms));
        }

        var calibration = new LoadCellCalibration(emptyCounts, (loadedCounts - emptyCounts) / knownKilograms);
        if (calibration.Problem() is { } problem)
        {
            throw new ArgumentException($"The known weight did not give a usable calibration: {problem} Check that the weight is on the bed and the cells are wired.", nameof(loadedCounts));
        }

        return calibration;
    }

    /// <inheritdoc />
    public void Dispose() => _binding.Dispose();

    private SensorFault TryReadConversion(out double counts)
    {
        counts = double.NaN;
        try
        {
            if (!WaitForDataReady())
            {
                return SensorFault.NotAnswering;
            }

            counts = Math.Round(_binding.GetWeight(numberOfReads: 1).Grams);
        }
        catch (IOException)
        {
            // A GPIO driver's I/O failure (the character device or register access), not a chip's answer.
            return SensorFault.BusError;
        }

        return counts is SaturatedHigh or SaturatedLow ? SensorFault.Implausible : SensorFault.None;
    }

    // DOUT low means a conversion is ready (datasheet, "Serial Interface"). An edge can fall between the level check and
    // the wait; the level is checked again when the wait ends, so that costs time, never a wrong answer.
    private bool WaitForDataReady()
    {
        if (_controller.Read(_dataPin) == PinValue.Low)
        {
            return true;
        }

        _ = _controller.WaitForEvent(_dataPin, PinEventTypes.Falling, ReadyTimeout);
        return _controller.Read(_dataPin) == PinValue.Low;
    }
}
