using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedIoT.Sensors.Internal;

/// <summary>JSON for small settings files read strictly: every constructor parameter required, no unknown or duplicate
/// property, no null, numbers as numbers, camelCase names.</summary>
internal static class StrictJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
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
            value = JsonSerializer.Deserialize<T>(utf8, Options);
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

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);
}
