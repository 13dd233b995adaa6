using MedIoT.Sensors.Internal;

namespace MedIoT.Sensors.LoadCells;

/// <summary>
/// How an HX711's raw counts (channel A, gain 128) turn into kilograms on one bed:
/// kg = (counts − <paramref name="ZeroCounts"/>) / <paramref name="CountsPerKilogram"/>.
/// </summary>
/// <param name="ZeroCounts">The counts with the bed empty (the tare), any finite value in the 24-bit range.</param>
/// <param name="CountsPerKilogram">Counts per kilogram of load, finite and at least 1 in magnitude (negative when the
/// cells are wired so that load lowers the count).</param>
public sealed record LoadCellCalibration(double ZeroCounts, double CountsPerKilogram) : IValidated
{
    /// <summary>The smallest magnitude of <see cref="CountsPerKilogram"/> taken as a working scale: an HX711 at gain 128
    /// gives thousands of counts per kilogram on bed load cells, so less than one count means the cells are not wired.</summary>
    public const double MinimumCountsPerKilogram = 1.0;

    /// <summary>The HX711's 24-bit two's complement range (datasheet, "Output data"): −8,388,608 to 8,388,607.</summary>
    public const double MaximumCountsMagnitude = 8_388_608;

    /// <summary>What is wrong with this calibration, or <see langword="null"/> when it can be used.</summary>
    public string? Problem()
    {
        if (!double.IsFinite(ZeroCounts) || Math.Abs(ZeroCounts) > MaximumCountsMagnitude)
        {
            return $"zeroCounts {ZeroCounts} is not within the HX711's 24-bit range (±{MaximumCountsMagnitude}).";
        }

        if (!double.IsFinite(CountsPerKilogram) || Math.Abs(CountsPerKilogram) < MinimumCountsPerKilogram)
        {
            return $"countsPerKilogram {CountsPerKilogram} is not a usable scale (finite, at least {MinimumCountsPerKilogram} in magnitude); calibrate again with a known weight.";
        }

        return null;
    }

    /// <summary>The load for <paramref name="counts"/>, in kilograms.</summary>
    public double KilogramsFor(double counts) => (counts - ZeroCounts) / CountsPerKilogram;
}
