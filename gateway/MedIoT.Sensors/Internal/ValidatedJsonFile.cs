using System.Diagnostics.CodeAnalysis;

namespace MedIoT.Sensors.Internal;

/// <summary>A small JSON file holding one <see cref="IValidated"/> value: read strictly (<see cref="StrictJson"/>) and
/// checked, written owner-only by atomic rename (<see cref="OwnerOnlyFile"/>).</summary>
internal static class ValidatedJsonFile
{
    /// <summary>Settings files here are a handful of numbers; anything longer is not one.</summary>
    private const int MaximumBytes = 4096;

    public static bool TryRead<T>(string path, string what, bool ownerOnly, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class, IValidated
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        value = null;
        if (!OwnerOnlyFile.TryRead(path, MaximumBytes, ownerOnly, out var contents, out error)
            || !StrictJson.TryParse<T>(contents, path, what, out var parsed, out error))
        {
            return false;
        }

        if (parsed.Problem() is { } problem)
        {
            error = $"'{path}': {problem}";
            return false;
        }

        value = parsed;
        return true;
    }

    public static void Write<T>(string path, T value, string parameterName)
        where T : class, IValidated
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(value, parameterName);
        if (value.Problem() is { } problem)
        {
            throw new ArgumentException(problem, parameterName);
        }

        OwnerOnlyFile.WriteAtomically(path, StrictJson.Serialize(value));
    }
}
