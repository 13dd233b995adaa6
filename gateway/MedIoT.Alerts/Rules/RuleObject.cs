using System.Globalization;
using System.Text.Json;

namespace MedIoT.Alerts.Rules;

/// <summary>
/// One JSON object of the rules file, read strictly: unknown or repeated members, wrong types and values out of
/// range are errors that name the file, the JSON path and the value, and say what is allowed.
/// </summary>
internal readonly struct RuleObject
{
    private readonly JsonElement _element;
    private readonly string _source;

    private RuleObject(JsonElement element, string path, string source)
    {
        _element = element;
        Path = path;
        _source = source;
    }

    public string Path { get; }

    /// <summary>Reads <paramref name="element"/> as an object whose members are exactly among <paramref name="allowed"/>.</summary>
    public static RuleObject Open(JsonElement element, string path, string source, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, path, element, "must be a JSON object.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            if (!seen.Add(member.Name))
            {
                throw Error(source, $"{path}.{member.Name}", member.Value, "appears twice.");
            }

            if (System.Array.IndexOf(allowed, member.Name) < 0)
            {
                throw Error(source, $"{path}.{member.Name}", member.Value,
                    $"is not a known setting here (a typo?). Allowed: {string.Join(", ", allowed)}.");
            }
        }

        return new RuleObject(element, path, source);
    }

    public RuleObject Object(string name, params string[] allowed) => Open(Required(name), $"{Path}.{name}", _source, allowed);

    public bool Has(string name) => _element.TryGetProperty(name, out _);

    /// <summary>The elements of an array member; an absent optional array is empty.</summary>
    public IReadOnlyList<(JsonElement Element, string Path)> Array(string name, bool required, int maxCount)
    {
        if (!_element.TryGetProperty(name, out var value))
        {
            return required ? throw Missing(name, "a JSON array") : [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail(name, value, "must be a JSON array.");
        }

        if (value.GetArrayLength() > maxCount)
        {
            throw Fail(name, value, $"has {value.GetArrayLength()} entries; at most {maxCount} are allowed.");
        }

        var items = new List<(JsonElement Element, string Path)>();
        foreach (var item in value.EnumerateArray())
        {
            items.Add((item, $"{Path}.{name}[{items.Count}]"));
        }

        return items;
    }

    public double Number(string name, double minimum, double maximum)
    {
        var value = Required(name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw Fail(name, value, "must be a finite number.");
        }

        return number >= minimum && number <= maximum
            ? number
            : throw Fail(name, value, string.Create(CultureInfo.InvariantCulture, $"must be between {minimum} and {maximum}."));
    }

    public int Integer(string name, int minimum, int maximum)
    {
        var value = Required(name);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw Fail(name, value, "must be a whole number.");
        }

        return number >= minimum && number <= maximum
            ? number
            : throw Fail(name, value, string.Create(CultureInfo.InvariantCulture, $"must be between {minimum} and {maximum}."));
    }

    public TimeSpan Seconds(string name, int maximumSeconds, int minimumSeconds = 0) =>
        TimeSpan.FromSeconds(Integer(name, minimumSeconds, maximumSeconds));

    public string Text(string name, int maximumLength)
    {
        var value = Required(name);
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { } text || string.IsNullOrWhiteSpace(text))
        {
            throw Fail(name, value, "must be a non-empty string.");
        }

        return text.Length <= maximumLength ? text : throw Fail(name, value, $"is longer than {maximumLength} characters.");
    }

    public bool Boolean(string name)
    {
        var value = Required(name);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Fail(name, value, "must be true or false."),
        };
    }

    /// <summary>An enumeration member given as one of <paramref name="names"/> (exact spelling).</summary>
    public T Choice<T>(string name, IReadOnlyDictionary<string, T> names)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.String && value.GetString() is { } text && names.TryGetValue(text, out var choice)
            ? choice
            : throw Fail(name, value, $"must be one of {string.Join(", ", names.Keys.Select(key => $"\"{key}\""))}.");
    }

    public InvalidDataException Fail(string name, string problem) =>
        _element.TryGetProperty(name, out var value) ? Fail(name, value, problem) : Missing(name, problem);

    public InvalidDataException FailHere(string problem) => Error(_source, Path, _element, problem);

    private JsonElement Required(string name) =>
        _element.TryGetProperty(name, out var value) ? value : throw Missing(name, "a value");

    private InvalidDataException Fail(string name, JsonElement value, string problem) => Error(_source, $"{Path}.{name}", value, problem);

    private InvalidDataException Missing(string name, string what) =>
        new($"Alert rules '{_source}': {Path}.{name} is missing; it is required ({what}).");

    public static InvalidDataException Error(string source, string path, JsonElement value, string problem)
    {
        var shown = value.GetRawText();
        if (shown.Length > 60)
        {
            shown = string.Concat(shown.AsSpan(0, 57), "...");
        }

        return new InvalidDataException($"Alert rules '{source}': {path} = {shown}: {problem}");
    }
}
