using System.Diagnostics.CodeAnalysis;
using MedIoT.Sensors.Internal;

namespace MedIoT.Sensors.LoadCells;

/// <summary>
/// A bed's <see cref="LoadCellCalibration"/> on disk: JSON <c>{"zeroCounts": …, "countsPerKilogram": …}</c>, written
/// owner-only (0600) by atomic rename, read strictly (both properties, nothing else, sane values, mode 0600).
/// </summary>
public static class LoadCellCalibrationFile
{
    private const string What = "a load-cell calibration ({\"zeroCounts\": number, \"countsPerKilogram\": number})";

    /// <summary>Reads the calibration at <paramref name="path"/>, or says why it cannot be used (a missing file, a mode
    /// other than owner-only, bad JSON, a missing or unknown property, an unusable value).</summary>
    public static bool TryRead(string path, [NotNullWhen(true)] out LoadCellCalibration? calibration, [NotNullWhen(false)] out string? error) =>
        ValidatedJsonFile.TryRead(path, What, ownerOnly: true, out calibration, out error);

    /// <summary>Writes <paramref name="calibration"/> to <paramref name="path"/> (0600, atomically).</summary>
    /// <exception cref="ArgumentException">The calibration is not usable (see <see cref="LoadCellCalibration.Problem"/>).</exception>
    public static void Write(string path, LoadCellCalibration calibration) =>
        ValidatedJsonFile.Write(path, calibration, nameof(calibration));
}
