using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MedIoT.Sensors.Internal;

/// <summary>JSON for small settings files read strictly: every constructor parameter required, no unknown or duplicate
/// property, no null, numbers as numbers, camelCase names.</summary>
internal static class StrictJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        // Metadata generated at build time rather than read by reflection at run time (trimming and NativeAOT need it).
        TypeInfoResolver = SensorsJsonContext.Default,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        NumberHandling = JsonNumberHandling.Strict,
        WriteIndented = true,
    };

    /// <summary>Parses <paramref name="utf8"/> as one <typeparamref name="T"/>; on failure says what is wrong, naming
    /// <paramref name="path"/> and <paramref name="what"/> the file should hold.</summary>
    public static bool TryParse<T>(ReadOnlySpan<byte> utf8, string path, string what, [NotNullWhen(true)] out T? value, [NotNullWhen(false)] out string? error)
        where T : class
    {
        try
        {
            value = JsonSerializer.Deserialize(utf8, Info<T>());
        }
        catch (JsonException e)
        {
            value = null;
            error = $"'{path}' is not {what}: {e.Message}";
            return false;
        }

        if (value is null)
        {
            error = $"'{path}' is not {what}: it holds null.";
            return false;
        }

        error = null;
        return true;
    }

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Info<T>());

    // The type's metadata from the generated context, with the options above (no reflection: trimming and NativeAOT keep it).
    private static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}

/// <summary>The sensors' calibration and bedside state files, described at build time (System.Text.Json source generation).</summary>
[JsonSerializable(typeof(LoadCells.LoadCellCalibration))]
[JsonSerializable(typeof(Simulation.BedsideState))]
internal sealed partial class SensorsJsonContext : JsonSerializerContext;
