using System.Device.Gpio;

namespace MedIoT.Sensors.Simulation;

/// <summary>
/// An HX711 24-bit load-cell ADC on two pins of a <see cref="SimulatedGpioDriver"/>, speaking the chip's serial protocol
/// (AVIA HX711 datasheet, "Serial Interface" and Table 3), so <c>Iot.Device.Hx711.Hx711</c> reads it unchanged.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>DOUT high means no conversion is ready; DOUT low means one is ready for retrieval.</item>
/// <item>Each PD_SCK rising edge shifts out one bit, 24 bits most significant first, two's complement; the output
/// saturates at 0x800000 and 0x7FFFFF outside the input range.</item>
/// <item>The 25th pulse pulls DOUT high again. 25, 26 or 27 pulses in all select the next conversion's input and gain:
/// channel A gain 128, channel B gain 32, channel A gain 64 (Table 3).</item>
/// <item>PD_SCK high for longer than 60 µs powers the chip down; PD_SCK low again resets it and powers it up on
/// channel A gain 128. The simulation notices the power-down when PD_SCK falls, which is when it matters to a host.</item>
/// </list>
/// Time is the injected <see cref="TimeProvider"/>'s. After the last pulse of a read the next conversion takes
/// <see cref="ConversionPeriod"/> (default 12.5 ms, the 80 samples/s rate with RATE high); only then does DOUT fall. That
/// pause is also what brings host and chip back in step after a glitch (a host thread preempted for more than 60 µs in a
/// high phase powers the chip down mid-word, as it would a real one), and a word the host leaves unfinished for a whole
/// conversion period is replaced by the next conversion, so a host that lost step finds a fresh word ready. <see cref="TimeSpan.Zero"/> makes the next conversion
/// ready as the 25th pulse ends: handy with a fake clock that never moves, but then only the 25-pulse mode (channel A gain
/// 128, what <c>BedScale</c> uses) can be selected, and a host that loses step stays out of step.
/// </remarks>
public sealed class SimulatedHx711 : IDisposable
{
    /// <summary>The time between conversions at 80 samples/s (datasheet: RATE pin high).</summary>
    public static readonly TimeSpan DefaultConversionPeriod = TimeSpan.FromMilliseconds(12.5);

    /// <summary>Counts the simulated amplifier reads with nothing on the scale (an arbitrary bridge offset).</summary>
    public const double DefaultZeroCounts = 52_000;

    /// <summary>Counts per kilogram at gain 128: a bed's four 200 kg cells at 2 mV/V give about 5,000.</summary>
    public const double DefaultCountsPerKilogram = 5_000;

    private const int PulsesPerWord = 24;
    private const int MaximumCounts = 0x7FFFFF;
    private const int MinimumCounts = -0x800000;

    // "When PD_SCK pin changes from low to high and stays at high for longer than 60µs, HX711 enters power down mode."
    private static readonly TimeSpan PowerDownAfter = TimeSpan.FromMicroseconds(60);

    private readonly Lock _gate = new();
    private readonly SimulatedGpioDriver _driver;
    private readonly int _dataPin;
    private readonly TimeProvider _timeProvider;
    private readonly IDisposable _clockWatch;
    private readonly ITimer _conversionTimer;

    private double _kilograms;
    private double _zeroCounts = DefaultZeroCounts;
    private double _countsPerKilogram = DefaultCountsPerKilogram;
    private bool _answering = true;
    private TimeSpan _conversionPeriod = DefaultConversionPeriod;
    private Phase _phase = Phase.Ready;
    private int _pulses;
    private int _word;
    private Gain _gain = Gain.ChannelA128;
    private PinValue _clock = PinValue.Low;
    private long _clockRoseAt;
    private long _conversionsRead;
    private int _channelBCounts;

    /// <summary>Puts the chip on <paramref name="dataPin"/> (DOUT, which it drives) and <paramref name="clockPin"/>
    /// (PD_SCK, which the host drives).</summary>
    public SimulatedHx711(SimulatedGpioDriver driver, int dataPin, int clockPin, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _driver = driver;
        _dataPin = dataPin;
        _timeProvider = timeProvider;
        _conversionTimer = timeProvider.CreateTimer(_ => ConversionDone(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _clockWatch = driver.WatchOutput(clockPin, OnClock);
        lock (_gate)
        {
            UpdateDataLine();
        }
    }

    private enum Phase
    {
        Converting,
        Ready,
        Shifting,
        GainSelect,
    }

    private enum Gain
    {
        ChannelA128 = 25,
        ChannelB32 = 26,
        ChannelA64 = 27,
    }

    /// <summary>The load on the cells, in kilograms (any finite value; counts saturate as the chip's do).</summary>
    public double Kilograms
    {
        get { lock (_gate) { return _kilograms; } }
        set { lock (_gate) { _kilograms = RequireFinite(value); } }
    }

    /// <summary>Counts at gain 128 with no load (default <see cref="DefaultZeroCounts"/>).</summary>
    public double ZeroCounts
    {
        get { lock (_gate) { return _zeroCounts; } }
        set { lock (_gate) { _zeroCounts = RequireFinite(value); } }
    }

    /// <summary>Counts per kilogram at gain 128 (default <see cref="DefaultCountsPerKilogram"/>).</summary>
    public double CountsPerKilogram
    {
        get { lock (_gate) { return _countsPerKilogram; } }
        set { lock (_gate) { _countsPerKilogram = RequireFinite(value); } }
    }

    /// <summary>Counts on channel B at gain 32 (nothing is wired there by default).</summary>
    public int ChannelBCounts
    {
        get { lock (_gate) { return _channelBCounts; } }
        set { lock (_gate) { _channelBCounts = value; } }
    }

    /// <summary>False models a chip that is unpowered or unplugged: DOUT stays high (the pull-up) and clock pulses are
    /// ignored. Set true again and a fresh conversion is ready.</summary>
    public bool Answering
    {
        get { lock (_gate) { return _answering; } }
        set
        {
            lock (_gate)
            {
                if (_answering == value)
                {
                    return;
                }

                _answering = value;
                _pulses = 0;
                _phase = Phase.Ready;
                UpdateDataLine();
            }
        }
    }

    /// <summary>How long a conversion takes after the previous one is read (default <see cref="DefaultConversionPeriod"/>; zero: ready at once, see the remarks).</summary>
    public TimeSpan ConversionPeriod
    {
        get { lock (_gate) { return _conversionPeriod; } }
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            lock (_gate)
            {
                _conversionPeriod = value;
            }
        }
    }

    /// <summary>How many complete 24-bit words the host has clocked out.</summary>
    public long ConversionsRead => Interlocked.Read(ref _conversionsRead);

    /// <summary>Whether PD_SCK has been high for longer than 60 µs, so the chip is powered down now.</summary>
    public bool IsPoweredDown
    {
        get
        {
            lock (_gate)
            {
                return _clock == PinValue.High && _timeProvider.GetElapsedTime(_clockRoseAt) > PowerDownAfter;
            }
        }
    }

    /// <summary>The 24-bit word the chip would shift out for <paramref name="kilograms"/> at gain 128, saturated.</summary>
    public int CountsFor(double kilograms)
    {
        lock (_gate)
        {
            return Saturate(_zeroCounts + (kilograms * _countsPerKilogram));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _clockWatch.Dispose();
        _conversionTimer.Dispose();
    }

    private void OnClock(PinValue level)
    {
        lock (_gate)
        {
            var wasHigh = _clock == PinValue.High;
            _clock = level;
            if (level == PinValue.High && !wasHigh)
            {
                _clockRoseAt = _timeProvider.GetTimestamp();
                OnRisingEdge();
            }
            else if (level == PinValue.Low && wasHigh)
            {
                OnFallingEdge(_timeProvider.GetElapsedTime(_clockRoseAt));
            }

            UpdateDataLine();
        }
    }

    // Under _gate.
    private void OnRisingEdge()
    {
        if (!_answering)
        {
            return;
        }

        switch (_phase)
        {
            case Phase.Ready:
                _word = CountsForCurrentGain() & 0xFFFFFF;
                _phase = Phase.Shifting;
                _pulses = 1;
                if (_conversionPeriod > TimeSpan.Zero)
                {
                    // A host that stalls mid-word for a whole conversion loses the word to the next conversion.
                    _conversionTimer.Change(_conversionPeriod, Timeout.InfiniteTimeSpan);
                }

                break;
            case Phase.Shifting when _pulses < PulsesPerWord:
                _pulses++;
                break;
            case Phase.Shifting:
                // The 25th pulse: the word is out and DOUT goes back high.
                _pulses++;
                _phase = Phase.GainSelect;
                Interlocked.Increment(ref _conversionsRead);
                break;
            case Phase.GainSelect when _pulses < (int)Gain.ChannelA64:
                _pulses++;
                break;
            default:
                // Pulses while converting, or beyond the 27th, carry no meaning for the chip.
                break;
        }
    }

    // Under _gate.
    private void OnFallingEdge(TimeSpan highFor)
    {
        if (highFor > PowerDownAfter)
        {
            // Powered down while PD_SCK was high; PD_SCK low resets it to channel A gain 128 and starts converting.
            _gain = Gain.ChannelA128;
            _pulses = 0;
            StartConversion();
            return;
        }

        if (_phase == Phase.GainSelect)
        {
            if (_conversionPeriod == TimeSpan.Zero)
            {
                SelectGainAndConvert();
            }
            else
            {
                // Further pulses may follow to select another gain; the conversion restarts from the last one.
                _conversionTimer.Change(_conversionPeriod, Timeout.InfiniteTimeSpan);
                _phase = Phase.GainSelect;
            }
        }
    }

    // Under _gate.
    private void SelectGainAndConvert()
    {
        _gain = (Gain)_pulses;
        _pulses = 0;
        _phase = Phase.Ready;
    }

    // Under _gate.
    private void StartConversion()
    {
        if (_conversionPeriod == TimeSpan.Zero)
        {
            _phase = Phase.Ready;
            return;
        }

        _phase = Phase.Converting;
        _conversionTimer.Change(_conversionPeriod, Timeout.InfiniteTimeSpan);
    }

    private void ConversionDone()
    {
        lock (_gate)
        {
            if (_phase == Phase.GainSelect)
            {
                SelectGainAndConvert();
            }
            else if (_phase is Phase.Converting or Phase.Shifting)
            {
                _pulses = 0;
                _phase = Phase.Ready;
            }

            UpdateDataLine();
        }
    }

    // Under _gate, so the line always shows the latest state (the driver's lock is taken after the chip's, never before).
    private void UpdateDataLine()
    {
        var level = !_answering ? PinValue.High : _phase switch
        {
            Phase.Ready => PinValue.Low,
            Phase.Shifting => ((_word >> (PulsesPerWord - _pulses)) & 1) == 1 ? PinValue.High : PinValue.Low,
            _ => PinValue.High,
        };
        _driver.DriveLine(_dataPin, level);
    }

    // Under _gate.
    private int CountsForCurrentGain() => _gain switch
    {
        Gain.ChannelA128 => Saturate(_zeroCounts + (_kilograms * _countsPerKilogram)),
        Gain.ChannelA64 => Saturate((_zeroCounts + (_kilograms * _countsPerKilogram)) / 2),
        _ => Saturate(_channelBCounts),
    };

    private static int Saturate(double counts) => (int)Math.Clamp(Math.Round(counts), MinimumCounts, MaximumCounts);

    private static double RequireFinite(double value) =>
        double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Must be a finite number.");
}
