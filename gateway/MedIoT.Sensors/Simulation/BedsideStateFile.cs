using System.Diagnostics.CodeAnalysis;
using MedIoT.Sensors.Internal;

namespace MedIoT.Sensors.Simulation;

/// <summary>
/// A <see cref="BedsideState"/> on disk, JSON with camelCase names, written owner-only (0600) by atomic rename so a reader
/// never sees half a file, and read strictly (every property, nothing else, values in range).
/// </summary>
public static class BedsideStateFile
{
    private const int MaximumBytes = 4096;

    private const string What = "a bedside state (loadKilograms, objectCelsius, ambientCelsius, callPresses, answerPresses, scaleAnswering, thermometerAnswering)";

    /// <summary>Reads the state at <paramref name="path"/>, or says why it cannot be used.</summary>
    public static bool TryRead(string path, [NotNullWhen(true)] out BedsideState? state, [NotNullWhen(false)] out string? error)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        state = null;
        if (!OwnerOnlyFile.TryRead(path, MaximumBytes, ownerOnly: false, out var contents, out error)
            || !StrictJson.TryParse<BedsideState>(contents, path, What, out var parsed, out error))
        {
            return false;
        }

        if (parsed.Problem() is { } problem)
        {
            error = $"'{path}': {problem}";
            return false;
        }

        state = parsed;
        return true;
    }

    /// <summary>Writes <paramref name="state"/> to <paramref name="path"/> (0600, atomically).</summary>
    /// <exception cref="ArgumentException">The state is out of range (see <see cref="BedsideState.Problem"/>).</exception>
    public static void Write(string path, BedsideState state)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(state));
        }

        OwnerOnlyFile.WriteAtomically(path, StrictJson.Serialize(state));
    }
}
