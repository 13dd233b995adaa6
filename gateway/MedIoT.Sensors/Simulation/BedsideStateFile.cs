using System.Diagnostics.CodeAnalysis;
using MedIoT.Sensors.Internal;

namespace MedIoT.Sensors.Simulation;

/// <summary>
/// A <see cref="BedsideState"/> on disk, JSON with camelCase names, written owner-only (0600) by atomic rename so a reader
/// never sees half a file, and read strictly (every property, nothing else, values in range). The mode is not checked on
/// reading: the file holds no secret, only what a simulated bedside should show.
/// </summary>
public static class BedsideStateFile
{
    private const string What = "a bedside state (loadKilograms, objectCelsius, ambientCelsius, callPresses, answerPresses, scaleAnswering, thermometerAnswering)";

    /// <summary>Reads the state at <paramref name="path"/>, or says why it cannot be used.</summary>
    public static bool TryRead(string path, [NotNullWhen(true)] out BedsideState? state, [NotNullWhen(false)] out string? error) =>
        ValidatedJsonFile.TryRead(path, What, ownerOnly: false, out state, out error);

    /// <summary>Writes <paramref name="state"/> to <paramref name="path"/> (0600, atomically).</summary>
    /// <exception cref="ArgumentException">The state is out of range (see <see cref="BedsideState.Problem"/>).</exception>
    public static void Write(string path, BedsideState state) => ValidatedJsonFile.Write(path, state, nameof(state));
}
