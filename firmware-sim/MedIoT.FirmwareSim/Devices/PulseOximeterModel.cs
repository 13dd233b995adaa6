using MedIoT.Protocol.Frames;

namespace MedIoT.FirmwareSim.Devices;

/// <summary>
/// Plausible readings of a resting adult on a ward: SpO2 wandering between 92 and 100 % around a
/// per-patient baseline, pulse rate between 50 and 120 /min. Integer values, as oximeters report them.
/// Deterministic for a given seed.
/// </summary>
public sealed class PulseOximeterModel(int seed)
{
    private readonly Random _random = new(seed);
    private double _saturationPercent = 95 + (new Random(seed).NextDouble() * 4);
    private double _pulsePerMinute = 60 + (new Random(seed + 1).NextDouble() * 30);

    /// <summary>The next pair of observations measured at <paramref name="timeUnixNanoseconds"/>.</summary>
    public Observation[] Next(long timeUnixNanoseconds)
    {
        _saturationPercent = Math.Clamp(_saturationPercent + ((_random.NextDouble() - 0.5) * 0.8), 92, 100);
        _pulsePerMinute = Math.Clamp(_pulsePerMinute + ((_random.NextDouble() - 0.5) * 3), 50, 120);
        return
        [
            new Observation(MdcCodes.OxygenSaturation, Math.Round(_saturationPercent), "%", timeUnixNanoseconds),
            new Observation(MdcCodes.PulseRateOximeter, Math.Round(_pulsePerMinute), "/min", timeUnixNanoseconds),
        ];
    }
}
