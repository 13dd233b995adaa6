using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using MedIoT.Alerts.News2;
using Microsoft.AspNetCore.Http;

namespace MedIoT.Gateway.Alerts.Api;

/// <summary>
/// Reads an API request body once, strictly, with System.Text.Json: a JSON object with <c>Content-Type:
/// application/json</c>, no member the request type does not have, no member twice, and each member in its wire format
/// (the converters below). Every way a body can be wrong maps to one <see cref="ApiProblem"/> whose reason and detail
/// never echo a value from the request.
/// </summary>
internal static partial class RequestBody
{
    /// <summary>The problem of a body that names the staff member: the staff member is the signed-in identity (docs/alerts.md §7).</summary>
    public static readonly ApiProblem StaffIdFromSignIn = new(400, "staff-id-from-sign-in",
        "staffId is not accepted in the body: the staff member is the signed-in identity (station session or API token).");

    private static readonly ApiProblem NotAnObject = new(400, "not-an-object", "The body must be a JSON object.");

    private static readonly JsonSerializerOptions Options = CreateOptions();

    /// <summary>Deserializes the request's body as <typeparamref name="TRequest"/>, or says why it cannot be.</summary>
    /// <param name="context">The request.</param>
    /// <param name="allowedMembers">The members' names, for the detail of an unknown-member problem.</param>
    public static async Task<(TRequest? Request, ApiProblem? Problem)> ReadAsync<TRequest>(HttpContext context, string allowedMembers)
        where TRequest : class
    {
        if (context.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, new ApiProblem(400, "not-json", "The body must be a JSON object with Content-Type: application/json."));
        }

        try
        {
            var request = await JsonSerializer.DeserializeAsync(context.Request.Body, (JsonTypeInfo<TRequest>)Options.GetTypeInfo(typeof(TRequest)), context.RequestAborted);
            return request is null ? (null, NotAnObject) : (request, null);
        }
        catch (MemberException exception)
        {
            return (null, exception.Problem);
        }
        catch (JsonException exception)
        {
            return (null, Classify(exception, typeof(TRequest), allowedMembers));
        }
        catch (BadHttpRequestException exception)
        {
            return (null, new ApiProblem(exception.StatusCode, "bad-body", "The body could not be read (too large or cut short)."));
        }
    }

    // Member values are read by the converters, which throw MemberException; so a JsonException is about the body's
    // syntax (the reader's own exception is the inner one), its root (path "$"), or a member's name: one the request
    // type lacks, or one given twice (AllowDuplicateProperties = false).
    private static ApiProblem Classify(JsonException exception, Type requestType, string allowedMembers) => exception switch
    {
        { InnerException: JsonException } => new ApiProblem(400, "bad-json", "The body is not valid JSON."),
        { Path: null or "$" } => NotAnObject,
        { Path: "$.staffId" } => StaffIdFromSignIn,
        _ when IsMember(requestType, exception.Path!) => new ApiProblem(400, "repeated-member", "A member appears twice."),
        _ => new ApiProblem(400, "unknown-member", $"Unknown or repeated member; allowed: {allowedMembers}."),
    };

    // "$.name" for a member of the request type, in its JSON spelling.
    private static bool IsMember(Type requestType, string path) =>
        Options.GetTypeInfo(requestType).Properties.Any(property => path == "$." + property.Name);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = false,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            MaxDepth = 4,
        };
        options.Converters.Add(new MemberConverter<Consciousness?>(
            new ApiProblem(400, "bad-consciousness", "consciousness must be an ACVPU level: Alert, NewConfusion, Voice, Pain, Unresponsive (or A, C, V, P, U)."),
            ReadConsciousness));
        options.Converters.Add(new MemberConverter<bool?>(new ApiProblem(400, "bad-on-oxygen", "onOxygen must be true or false."), ReadBoolean));
        options.Converters.Add(new MemberConverter<OxygenSaturationScale?>(
            new ApiProblem(400, "bad-spo2-scale", "spo2Scale must be 1 or 2 (NEWS2 SpO2 scale)."), ReadScale));
        options.Converters.Add(new MemberConverter<DateTimeOffset?>(
            new ApiProblem(400, "bad-observed-at", "observedAt must be an RFC 3339 time with its offset, e.g. 2026-03-01T08:15:00Z."), ReadTime));
        // Metadata generated at build time rather than read by reflection at run time (trimming and NativeAOT need it).
        options.TypeInfoResolver = AlarmRequestJsonContext.Default;
        options.MakeReadOnly();
        return options;
    }

    private static bool ReadConsciousness(ref Utf8JsonReader reader, out Consciousness? level)
    {
        level = reader.TokenType != JsonTokenType.String ? null : reader.GetString() switch
        {
            "A" or "Alert" => Consciousness.Alert,
            "C" or "NewConfusion" => Consciousness.NewConfusion,
            "V" or "Voice" => Consciousness.Voice,
            "P" or "Pain" => Consciousness.Pain,
            "U" or "Unresponsive" => Consciousness.Unresponsive,
            _ => null,
        };
        return level is not null;
    }

    private static bool ReadBoolean(ref Utf8JsonReader reader, out bool? value)
    {
        value = reader.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
        return value is not null;
    }

    private static bool ReadScale(ref Utf8JsonReader reader, out OxygenSaturationScale? scale)
    {
        scale = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) && number is 1 or 2 ? (OxygenSaturationScale)number : null;
        return scale is not null;
    }

    /// <summary>An RFC 3339 date-time with its offset (§5.6: <c>Z</c> or ±hh:mm).</summary>
    private static bool ReadTime(ref Utf8JsonReader reader, out DateTimeOffset? time)
    {
        time = reader.TokenType == JsonTokenType.String && reader.GetString() is { } text && Rfc3339Pattern().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                ? parsed
                : null;
        return time is not null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})\z")]
    private static partial Regex Rfc3339Pattern();

    /// <summary>
    /// Reads <see cref="BedExitRequest.Armed"/>: a converter on the member itself, so a wrong value names <c>armed</c> (the
    /// options' <c>bool?</c> converter speaks of <c>onOxygen</c>).
    /// </summary>
    internal sealed class ArmedConverter : JsonConverter<bool?>
    {
        private static readonly ApiProblem Problem = new(400, "bad-armed", "armed must be true or false.");

        public override bool HandleNull => true;

        public override bool? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ReadBoolean(ref reader, out var value) ? value : throw new MemberException(Problem);

        public override void Write(Utf8JsonWriter writer, bool? value, JsonSerializerOptions options) =>
            throw new NotSupportedException("Request bodies are only read.");
    }

    private delegate bool MemberReader<TValue>(ref Utf8JsonReader reader, out TValue value);

    /// <summary>
    /// Reads one member's value in its wire format, or throws <see cref="MemberException"/> with the member's problem
    /// (JSON null included: an explicit null is as wrong as any other value of the wrong kind).
    /// </summary>
    private sealed class MemberConverter<TValue>(ApiProblem problem, MemberReader<TValue> read) : JsonConverter<TValue>
    {
        public override bool HandleNull => true;

        public override TValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            read(ref reader, out var value) ? value : throw new MemberException(problem);

        public override void Write(Utf8JsonWriter writer, TValue value, JsonSerializerOptions options) =>
            throw new NotSupportedException("Request bodies are only read.");
    }

    /// <summary>A member's value is not in its wire format; System.Text.Json passes it through unchanged.</summary>
    private sealed class MemberException(ApiProblem problem) : Exception(problem.Detail)
    {
        public ApiProblem Problem { get; } = problem;
    }
}

/// <summary>The alarm API's request bodies, described at build time (System.Text.Json source generation).</summary>
[JsonSerializable(typeof(AcknowledgeRequest))]
[JsonSerializable(typeof(ObservationRequest))]
[JsonSerializable(typeof(BedExitRequest))]
internal sealed partial class AlarmRequestJsonContext : JsonSerializerContext;
