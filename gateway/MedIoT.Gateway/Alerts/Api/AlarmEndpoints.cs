using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedIoT.Gateway.Alerts.Delivery;
using MedIoT.Gateway.Alerts.Feed;
using MedIoT.Gateway.Alerts.Hosting;
using MedIoT.Gateway.Alerts.Lifecycle;
using MedIoT.Gateway.Alerts.News2;
using MedIoT.Gateway.Alerts.Settings;
using MedIoT.Gateway.Alerts.Staff;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Alerts.Api;

/// <summary>
/// The alarm API (docs/alerts.md §7): list active alarms, acknowledge one, record staff observations for NEWS2 and
/// read a bed's NEWS2. Request bodies are parsed strictly: a bad body is a 400 with an RFC 9457 problem, counted and
/// logged once per reason without any value. The staff identity is asserted by the caller; authentication belongs to
/// the hospital's reverse proxy in front of the gateway.
/// </summary>
internal sealed partial class AlarmEndpoints(
    AlertFeed feed, DeviceRegistry registry, IOptions<AlertOptions> options, AlertStatistics statistics,
    [FromKeyedServices(AlertClock.Key)] TimeProvider clock, ILogger<AlarmEndpoints> logger) : IGatewayEndpoints
{
    private static readonly JsonDocumentOptions s_json = new() { MaxDepth = 4 };
    private readonly AlertOptions _options = options.Value;
    private readonly HashSet<BedLocation> _beds = [.. registry.Devices.Select(device => new BedLocation(device.Ward, device.Bed))];
    private readonly ConcurrentDictionary<(string, string), bool> _loggedReasons = new();

    public void Map(IEndpointRouteBuilder endpoints)
    {
        if (!_options.Enabled)
        {
            return;
        }

        endpoints.MapGet("/alarms", ListAsync);
        endpoints.MapPost("/alarms/{id}/acknowledge", AcknowledgeAsync);
        endpoints.MapPost("/beds/{ward}/{bed}/observations", ObserveAsync);
        endpoints.MapGet("/beds/{ward}/{bed}/news2", News2Async);
    }

    private async Task ListAsync(HttpContext context)
    {
        const string endpoint = "GET /alarms";
        var query = context.Request.Query;
        if (query.Keys.FirstOrDefault(key => key is not ("ward" or "bed" or "channel")) is not null)
        {
            await RefuseAsync(context, endpoint, new ApiProblem(400, "unknown-query-parameter", "Only the query parameters ward, bed and channel are understood."));
            return;
        }

        string? ward = query["ward"].Count == 1 ? query["ward"][0] : null;
        string? bed = query["bed"].Count == 1 ? query["bed"][0] : null;
        string? channelName = query["channel"].Count == 1 ? query["channel"][0] : null;
        if (query["ward"].Count > 1 || query["bed"].Count > 1 || query["channel"].Count > 1)
        {
            await RefuseAsync(context, endpoint, new ApiProblem(400, "repeated-query-parameter", "Each query parameter may appear once."));
            return;
        }

        if ((ward is not null && !IsPlace(ward)) || (bed is not null && !IsPlace(bed)) || (bed is not null && ward is null))
        {
            await RefuseAsync(context, endpoint, new ApiProblem(400, "bad-place", "ward and bed are 1-32 of A-Z a-z 0-9 . _ -, and bed needs ward."));
            return;
        }

        AlarmChannel? channel = channelName switch
        {
            null => null,
            "care-team" => AlarmChannel.CareTeam,
            "it" => AlarmChannel.InformationTechnology,
            _ => (AlarmChannel)0,
        };
        if (channel == (AlarmChannel)0)
        {
            await RefuseAsync(context, endpoint, new ApiProblem(400, "bad-channel", "channel must be care-team or it."));
            return;
        }

        var alarms = await feed.AskAsync((engine, _, _) => engine.ActiveAlarms(), context.RequestAborted);
        var selected = alarms.Where(alarm =>
            (channel is null || alarm.Channel == channel) &&
            (ward is null || alarm.Bed?.Ward == ward) &&
            (bed is null || alarm.Bed?.Bed == bed));
        await WriteJsonAsync(context, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("alarms");
            foreach (var alarm in selected)
            {
                AlarmJson.WriteAlarm(writer, alarm, _options);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private async Task AcknowledgeAsync(HttpContext context)
    {
        const string endpoint = "POST /alarms/{id}/acknowledge";
        if (!long.TryParse(context.Request.RouteValues["id"] as string, NumberStyles.None, CultureInfo.InvariantCulture, out var alarmId) || alarmId < 1)
        {
            await RefuseAsync(context, endpoint, new ApiProblem(400, "bad-alarm-id", "The alarm id must be a positive whole number."));
            return;
        }

        var (body, problem) = await ReadObjectAsync(context);
        string? staffId = null;
        if (body is not null)
        {
            using (body)
            {
                foreach (var member in body.RootElement.EnumerateObject())
                {
                    if (member.NameEquals("staffId") && staffId is null)
                    {
                        staffId = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                        problem = IsStaffId(staffId) ? null : StaffIdProblem;
                    }
                    else
                    {
                        problem = UnknownMember("staffId");
                    }

                    if (problem is not null)
                    {
                        break;
                    }
                }
            }

            problem ??= staffId is null ? StaffIdProblem : null;
        }

        if (problem is not null)
        {
            await RefuseAsync(context, endpoint, problem);
            return;
        }

        var (rejection, alarm) = await feed.AskAsync((engine, now, events) =>
        {
            var first = events.Count;
            var result = engine.Process(new AlarmAcknowledgement(alarmId, staffId!), now, events);
            return (result, events.Skip(first).LastOrDefault(e => e.Alarm.AlarmId == alarmId)?.Alarm);
        }, context.RequestAborted);
        switch (rejection)
        {
            case AlertInputRejection.None:
                await WriteJsonAsync(context, 200, writer =>
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("alarm");
                    AlarmJson.WriteAlarm(writer, alarm!, _options);
                    writer.WriteEndObject();
                });
                break;
            case AlertInputRejection.AlarmNotFound:
                await WriteProblemAsync(context, new ApiProblem(404, "alarm-not-found", "No active alarm has this id (never raised, or already resolved)."));
                break;
            case AlertInputRejection.AlarmAlreadyAcknowledged:
                await WriteProblemAsync(context, new ApiProblem(409, "already-acknowledged", "The alarm is already acknowledged at its current priority."));
                break;
            default:
                await RefuseAsync(context, endpoint, new ApiProblem(400, "rejected-" + rejection, "The acknowledgement was refused: " + rejection + "."));
                break;
        }
    }

    private async Task ObserveAsync(HttpContext context)
    {
        const string endpoint = "POST /beds/{ward}/{bed}/observations";
        if (await FindBedAsync(context, endpoint) is not { } bed)
        {
            return;
        }

        var (body, problem) = await ReadObjectAsync(context);
        string? staffId = null;
        Consciousness? consciousness = null;
        bool? onOxygen = null;
        OxygenSaturationScale? scale = null;
        DateTimeOffset? observedAt = null;
        if (body is not null)
        {
            using (body)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in body.RootElement.EnumerateObject())
                {
                    if (!seen.Add(member.Name))
                    {
                        problem = new ApiProblem(400, "repeated-member", "A member appears twice.");
                    }
                    else if (member.NameEquals("staffId"))
                    {
                        staffId = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                        problem = IsStaffId(staffId) ? null : StaffIdProblem;
                    }
                    else if (member.NameEquals("consciousness"))
                    {
                        consciousness = member.Value.ValueKind == JsonValueKind.String ? ParseConsciousness(member.Value.GetString()!) : null;
                        problem = consciousness is null
                            ? new ApiProblem(400, "bad-consciousness", "consciousness must be an ACVPU level: Alert, NewConfusion, Voice, Pain, Unresponsive (or A, C, V, P, U).")
                            : null;
                    }
                    else if (member.NameEquals("onOxygen"))
                    {
                        onOxygen = member.Value.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => null };
                        problem = onOxygen is null ? new ApiProblem(400, "bad-on-oxygen", "onOxygen must be true or false.") : null;
                    }
                    else if (member.NameEquals("spo2Scale"))
                    {
                        scale = member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetInt32(out var number) && number is 1 or 2
                            ? (OxygenSaturationScale)number
                            : null;
                        problem = scale is null ? new ApiProblem(400, "bad-spo2-scale", "spo2Scale must be 1 or 2 (NEWS2 SpO2 scale).") : null;
                    }
                    else if (member.NameEquals("observedAt"))
                    {
                        observedAt = member.Value.ValueKind == JsonValueKind.String ? ParseTime(member.Value.GetString()!) : null;
                        problem = observedAt is null
                            ? new ApiProblem(400, "bad-observed-at", "observedAt must be an RFC 3339 time with its offset, e.g. 2026-03-01T08:15:00Z.")
                            : null;
                    }
                    else
                    {
                        problem = UnknownMember("staffId, consciousness, onOxygen, spo2Scale, observedAt");
                    }

                    if (problem is not null)
                    {
                        break;
                    }
                }
            }

            problem ??= staffId is null ? StaffIdProblem
                : consciousness is null && onOxygen is null && scale is null
                    ? new ApiProblem(400, "no-observation", "Give at least one of consciousness, onOxygen, spo2Scale.")
                    : null;
        }

        if (problem is not null)
        {
            await RefuseAsync(context, endpoint, problem);
            return;
        }

        var assessment = await feed.AskAsync((engine, now, events) =>
        {
            // Checked against the alert clock, the clock NEWS2 freshness is measured on.
            if (observedAt is { } at && (at > now + ObservedAtMaxAhead || at < now - ObservedAtMaxAge))
            {
                return null;
            }

            var time = observedAt ?? now;
            var inputs = new List<AlertInput>();
            if (scale is { } chosen)
            {
                inputs.Add(new OxygenSaturationScaleSet(bed, chosen, staffId!));
            }

            if (consciousness is { } level)
            {
                inputs.Add(new ConsciousnessRecorded(bed, level, staffId!, time));
            }

            if (onOxygen is { } oxygen)
            {
                inputs.Add(new SupplementalOxygenRecorded(bed, oxygen, staffId!, time));
            }

            foreach (var input in inputs)
            {
                // Validated above, so the engine accepts them; a refusal would be a programming error.
                var rejection = engine.Process(input, now, events);
                if (rejection != AlertInputRejection.None)
                {
                    throw new InvalidOperationException($"The engine refused a validated {input.GetType().Name}: {rejection}.");
                }
            }

            return engine.AssessNews2(bed, now);
        }, context.RequestAborted);
        if (assessment is null)
        {
            await RefuseAsync(context, endpoint, new ApiProblem(400, "observed-at-out-of-range", string.Create(CultureInfo.InvariantCulture,
                $"observedAt must be at most {ObservedAtMaxAge.TotalMinutes} minutes before and {ObservedAtMaxAhead.TotalSeconds} s after the gateway's time.")));
            return;
        }

        await WriteJsonAsync(context, 200, writer => WriteNews2(writer, bed, assessment));
    }

    private async Task News2Async(HttpContext context)
    {
        if (await FindBedAsync(context, "GET /beds/{ward}/{bed}/news2") is not { } bed)
        {
            return;
        }

        var assessment = await feed.AskAsync((engine, now, _) => engine.AssessNews2(bed, now), context.RequestAborted);
        await WriteJsonAsync(context, 200, writer => WriteNews2(writer, bed, assessment));
    }

    private async Task<BedLocation?> FindBedAsync(HttpContext context, string endpoint)
    {
        var ward = context.Request.RouteValues["ward"] as string;
        var bedName = context.Request.RouteValues["bed"] as string;
        if (ward is null || bedName is null || !IsPlace(ward) || !IsPlace(bedName))
        {
            await RefuseAsync(context, endpoint, new ApiProblem(400, "bad-place", "ward and bed are 1-32 of A-Z a-z 0-9 . _ -."));
            return null;
        }

        var bed = new BedLocation(ward, bedName);
        if (!_beds.Contains(bed))
        {
            await WriteProblemAsync(context, new ApiProblem(404, "unknown-bed", "No registered device is placed at this bed."));
            return null;
        }

        return bed;
    }

    private void WriteNews2(Utf8JsonWriter writer, BedLocation bed, News2Assessment? assessment)
    {
        writer.WriteStartObject();
        writer.WriteString("ward", bed.Ward);
        writer.WriteString("bed", bed.Bed);
        writer.WriteString("at", AlarmJson.Time(clock.GetUtcNow()));
        if (assessment is null)
        {
            writer.WriteNull("score");
            writer.WriteNull("band");
            writer.WriteStartArray("missing");
            foreach (var parameter in Enum.GetValues<News2Parameter>())
            {
                writer.WriteStringValue(Camel(parameter.ToString()));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            return;
        }

        // The score covers fresh parameters only; a missing one counts 0, so the score is a lower bound (docs/alerts.md §2).
        writer.WriteNumber("score", assessment.AggregateScore);
        writer.WriteString("band", Camel(assessment.Band.ToString()));
        writer.WriteBoolean("singleParameterScoreOfThree", assessment.HasSingleParameterScoreOfThree);
        writer.WriteBoolean("complete", assessment.IsComplete);
        writer.WriteNumber("spo2Scale", (int)assessment.Scale);
        if (assessment.ScaleSetBy is { } setBy)
        {
            writer.WriteString("spo2ScaleSetBy", setBy);
        }

        writer.WriteStartArray("parameters");
        foreach (var parameter in Enum.GetValues<News2Parameter>())
        {
            if (assessment.ScoreOf(parameter) is not { } score)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("parameter", Camel(parameter.ToString()));
            writer.WriteNumber("score", score);
            writer.WriteString("source", assessment.SourceOf(parameter));
            writer.WriteString("at", assessment.TimeOf(parameter) is { } at ? AlarmJson.Time(at) : null);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("missing");
        foreach (var parameter in assessment.MissingParameters)
        {
            writer.WriteStringValue(Camel(parameter.ToString()));
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static async Task<(JsonDocument? Body, ApiProblem? Problem)> ReadObjectAsync(HttpContext context)
    {
        if (context.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, new ApiProblem(400, "not-json", "The body must be a JSON object with Content-Type: application/json."));
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, s_json, context.RequestAborted);
        }
        catch (JsonException)
        {
            return (null, new ApiProblem(400, "bad-json", "The body is not valid JSON."));
        }
        catch (BadHttpRequestException exception)
        {
            return (null, new ApiProblem(exception.StatusCode, "bad-body", "The body could not be read (too large or cut short)."));
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return (null, new ApiProblem(400, "not-an-object", "The body must be a JSON object."));
        }

        return (document, null);
    }

    private async Task RefuseAsync(HttpContext context, string endpoint, ApiProblem problem)
    {
        statistics.RecordBadRequest();
        if (_loggedReasons.TryAdd((endpoint, problem.Reason), true))
        {
            Log.AlertRequestRejected(logger, endpoint, problem.Reason);
        }

        await WriteProblemAsync(context, problem);
    }

    private static Task WriteProblemAsync(HttpContext context, ApiProblem problem) => WriteJsonAsync(context, problem.Status, writer =>
    {
        // RFC 9457 problem details.
        writer.WriteStartObject();
        writer.WriteString("type", "about:blank");
        writer.WriteString("title", ReasonPhrases(problem.Status));
        writer.WriteNumber("status", problem.Status);
        writer.WriteString("detail", problem.Detail);
        writer.WriteString("reason", problem.Reason);
        writer.WriteEndObject();
    }, problem.Status >= 400 ? "application/problem+json" : "application/json");

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        await context.Response.Body.WriteAsync(stream.GetBuffer().AsMemory(0, (int)stream.Length), context.RequestAborted);
    }

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);

    /// <summary>How far in the past an observation's <c>observedAt</c> may be: charting an observation late (docs/alerts.md §7).</summary>
    internal static readonly TimeSpan ObservedAtMaxAge = TimeSpan.FromMinutes(60);

    /// <summary>How far ahead of the gateway's clock <c>observedAt</c> may be: the skew between a charting device's clock and the gateway's.</summary>
    internal static readonly TimeSpan ObservedAtMaxAhead = TimeSpan.FromSeconds(60);

    private static ApiProblem StaffIdProblem { get; } = new(400, "bad-staff-id", "staffId is required: 1-64 of A-Z a-z 0-9 . _ @ -.");

    private static ApiProblem UnknownMember(string allowed) => new(400, "unknown-member", $"Unknown or repeated member; allowed: {allowed}.");

    private static Consciousness? ParseConsciousness(string text) => text switch
    {
        "A" or "Alert" => Consciousness.Alert,
        "C" or "NewConfusion" => Consciousness.NewConfusion,
        "V" or "Voice" => Consciousness.Voice,
        "P" or "Pain" => Consciousness.Pain,
        "U" or "Unresponsive" => Consciousness.Unresponsive,
        _ => null,
    };

    /// <summary>An RFC 3339 date-time with its offset (§5.6: <c>Z</c> or ±hh:mm), or null.</summary>
    private static DateTimeOffset? ParseTime(string text) =>
        Rfc3339Pattern().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static bool IsPlace(string text) => PlacePattern().IsMatch(text);

    private static bool IsStaffId(string? text) => text is not null && StaffIdPattern().IsMatch(text);

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,32}\z")]
    private static partial Regex PlacePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._@-]{1,64}\z")]
    private static partial Regex StaffIdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})\z")]
    private static partial Regex Rfc3339Pattern();
}
