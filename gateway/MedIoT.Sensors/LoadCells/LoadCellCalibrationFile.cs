using System.Diagnostics.CodeAnalysis;
using MedIoT.Sensors.Internal;

namespace MedIoT.Sensors.LoadCells;

/// <summary>
/// A bed's <see cref="LoadCellCalibration"/> on disk: JSON <c>{"zeroCounts": …, "countsPerKilogram": …}</c>, written
/// owner-only (0600) by atomic rename, read strictly (both properties, nothing else, sane values, mode 0600).
/// </summary>
public static class LoadCellCalibrationFile
{
    /// <summary>A calibration file is two numbers; anything longer is not one.</summary>
    private const int MaximumBytes = 4096;

    private const string What = "a load-cell calibration ({\"zeroCounts\": number, \"countsPerKilogram\": number})";

    /// <summary>Reads the calibration at <paramref name="path"/>, or says why it cannot be used.</summary>
    public static bool TryRead(string path, [NotNullWhen(true)] out LoadCellCalibration? calibration, [NotNullWhen(false)] out string? error)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        calibration = null;
        if (!OwnerOnlyFile.TryRead(path, MaximumBytes, ownerOnly: true, out var contents, out error)
            || !StrictJson.TryParse<LoadCellCalibration>(contents, path, What, out var parsed, out error))
        {
            return false;
        }

        if (parsed.Problem() is { } problem)
        {
            error = $"'{path}': {problem}";
            return false;
        }

        calibration = parsed;
        return true;
    }

    /// <summary>Writes <paramref name="calibration"/> to <paramref name="path"/> (0600, atomically).</summary>
    /// <exception cref="ArgumentException">The calibration is not usable (see <see cref="LoadCellCalibration.Problem"/>).</exception>
    public static void Write(string path, LoadCellCalibration calibration)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(calibration);
        if (calibration.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(calibration));
        }

        OwnerOnlyFile.WriteAtomically(path, StrictJson.Serialize(calibration));
    }
}
