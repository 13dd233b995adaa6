using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using MedIoT.Alerts;
using MedIoT.Alerts.Bedside;
using MedIoT.Alerts.Lifecycle;
using MedIoT.Alerts.News2;
using MedIoT.Alerts.Staff;
using MedIoT.Gateway.Access;
using MedIoT.Gateway.Alerts.Delivery;
using MedIoT.Gateway.Alerts.Feed;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Alerts.Api;

/// <summary>
/// The alarm API (docs/alerts.md §7): list active alarms, acknowledge one, record staff observations for NEWS2,
/// read a bed's NEWS2, and arm, disarm and read a bed's bed-exit monitoring. Request bodies are parsed once, strictly (<see cref="RequestBody"/>): a bad body is a 400 with an
/// RFC 9457 problem, counted and logged once per reason without any value. Every route needs a signed-in identity
/// (Access/: the station's cookie or a bearer token) with the role of <see cref="AccessPolicies"/>; the staff member of an
/// acknowledgement or observation is that identity's name, and a body that names one is refused.
/// </summary>
internal sealed class AlarmEndpoints(
    AlarmFeed feed, DeviceRegistry registry, IOptions<AlertOptions> options, AlarmStatistics statistics, BedExitArmingStore bedExitArmings,
    [FromKeyedServices(AlarmClock.Key)] TimeProvider clock, ILogger<AlarmEndpoints> logger) : IGatewayEndpoints
{
    private readonly AlertOptions _options = options.Value;
    private readonly HashSet<BedLocation> _beds = [.. registry.Devices.Select(device => device.Location)];
    private readonly ConcurrentDictionary<(string, string), bool> _loggedReasons = new();

    public void Map(IEndpointRouteBuilder endpoints)
    {
        if (!_options.Enabled)
        {
            return;
        }

        // The alarm routes serve both the care team and IT: which role a request needs depends on the alarm's channel.
        endpoints.MapGet("/alarms", ListAsync).RequireAuthorization();
        endpoints.MapPost("/alarms/{id}/acknowledge", AcknowledgeAsync).RequireAuthorization();
        endpoints.MapPost("/beds/{ward}/{bed}/observations", ObserveAsync).RequireAuthorization(AccessPolicies.ActOnWard);
        endpoints.MapGet("/beds/{ward}/{bed}/news2", News2Async).RequireAuthorization(AccessPolicies.SeeWard);
        endpoints.MapPost("/beds/{ward}/{bed}/bed-exit", SetBedExitAsync).RequireAuthorization(AccessPolicies.ActOnWard);
        endpoints.MapGet("/beds/{ward}/{bed}/bed-exit", BedExitAsync).RequireAuthorization(AccessPolicies.SeeWard);
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

        WardId? wardId = WardId.TryCreate(ward, out var parsedWard) ? parsedWard : null;
        BedId? bedId = BedId.TryCreate(bed, out var parsedBed) ? parsedBed : null;
        if ((ward is not null && wardId is null) || (bed is not null && bedId is null) || (bed is not null && ward is null))
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

        // care-team alarms for SeeWard, IT alarms for SeeIt; without a channel, those of the channels the identity may see.
        var seesWard = await AllowedAsync(context, AccessPolicies.SeeWard);
        var seesIt = await AllowedAsync(context, AccessPolicies.SeeIt);
        if (channel == AlarmChannel.CareTeam ? !seesWard : channel == AlarmChannel.InformationTechnology ? !seesIt : !seesWard && !seesIt)
        {
            await AccessRefusals.ForbidAsync(context);
            return;
        }

        var alarms = await feed.AskAsync((engine, _, _) => engine.ActiveAlarms(), context.RequestAborted);
        var selected = alarms.Where(alarm =>
            (alarm.Channel == AlarmChannel.InformationTechnology ? seesIt : seesWard) &&
            (channel is null || alarm.Channel == channel) &&
            (wardId is null || alarm.Bed?.Ward == wardId) &&
            (bedId is null || alarm.Bed?.Bed == bedId));
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

        // The body may be absent or empty; when present it is {} (a staffId member is refused: the staff member is the identity).
        if (HasBody(context.Request) && (await RequestBody.ReadAsync<AcknowledgeRequest>(context, "none")).Problem is { } problem)
        {
            await RefuseAsync(context, endpoint, problem);
            return;
        }

        if (!StaffId.TryCreate(context.User.Identity?.Name, out var staff))
        {
            await AccessRefusals.ForbidAsync(context);
            return;
        }

        var actsOnWard = await AllowedAsync(context, AccessPolicies.ActOnWard);
        var actsOnIt = await AllowedAsync(context, AccessPolicies.SeeIt);
        var (rejection, alarm, permitted) = await feed.AskAsync((engine, now, events) =>
        {
            // Care-team alarms are acknowledged by nurses and physicians, the IT channel's by IT.
            if (engine.ActiveAlarms().FirstOrDefault(active => active.AlarmId == alarmId) is { } target
                && !(target.Channel == AlarmChannel.InformationTechnology ? actsOnIt : actsOnWard))
            {
                return (AlarmInputRejection.None, null, false);
            }

            var first = events.Count;
            var result = engine.Process(new AlarmAcknowledgement(alarmId, staff), now, events);
            return (result, events.Skip(first).LastOrDefault(e => e.Alarm.AlarmId == alarmId)?.Alarm, true);
        }, context.RequestAborted);
        if (!permitted)
        {
            await AccessRefusals.ForbidAsync(context);
            return;
        }

        switch (rejection)
        {
            case AlarmInputRejection.None:
                await WriteJsonAsync(context, 200, writer =>
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("alarm");
                    AlarmJson.WriteAlarm(writer, alarm!, _options);
                    writer.WriteEndObject();
                });
                break;
            // Well-formed but refused by the engine: counted as its rejections (mediot.alerts.inputs.rejected), not as bad requests.
            case AlarmInputRejection.AlarmNotFound:
                statistics.RecordRejection(rejection);
                await WriteProblemAsync(context, new ApiProblem(404, "alarm-not-found", "No active alarm has this id (never raised, or already resolved)."));
                break;
            case AlarmInputRejection.AlarmAlreadyAcknowledged:
                statistics.RecordRejection(rejection);
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
        if (await ReadBedActionAsync<ObservationRequest>(context, endpoint, "consciousness, onOxygen, spo2Scale, observedAt", body => body.HasObservation
                ? null
                : new ApiProblem(400, "no-observation", "Give at least one of consciousness, onOxygen, spo2Scale.")) is not var (bed, body, staffId))
        {
            return;
        }

        var (consciousness, onOxygen, scale, observedAt) = body;
        var assessment = await feed.AskAsync((engine, now, events) =>
        {
            // Checked against the alert clock, the clock NEWS2 freshness is measured on.
            if (observedAt is { } at && (at > now + ObservedAtMaxAhead || at < now - ObservedAtMaxAge))
            {
                return null;
            }

            var time = observedAt ?? now;
            var inputs = new List<AlarmInput>();
            if (scale is { } chosen)
            {
                inputs.Add(new OxygenSaturationScaleSet(bed, chosen, staffId));
            }

            if (consciousness is { } level)
            {
                inputs.Add(new ConsciousnessRecorded(bed, level, staffId, time));
            }

            if (onOxygen is { } oxygen)
            {
                inputs.Add(new SupplementalOxygenRecorded(bed, oxygen, staffId, time));
            }

            foreach (var input in inputs)
            {
                // Validated above, so the engine accepts them; a refusal would be a programming error.
                var rejection = engine.Process(input, now, events);
                if (rejection != AlarmInputRejection.None)
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

    private async Task SetBedExitAsync(HttpContext context)
    {
        const string endpoint = "POST /beds/{ward}/{bed}/bed-exit";
        if (await ReadBedActionAsync<BedExitRequest>(context, endpoint, "armed", body => body.Armed is not null
                ? null
                : new ApiProblem(400, "no-armed", "Give armed: true to arm bed-exit monitoring, false to disarm it.")) is not var (bed, body, staffId))
        {
            return;
        }

        var armed = body.Armed!.Value;
        var (monitoring, armings, version) = await feed.AskAsync((engine, now, events) =>
        {
            // Validated above, so the engine accepts it; a refusal would be a programming error.
            var rejection = engine.Process(new BedExitMonitoringSet(bed, armed, staffId, now), now, events);
            if (rejection != AlarmInputRejection.None)
            {
                throw new InvalidOperationException($"The engine refused a validated bed-exit arming: {rejection}.");
            }

            // Taken on the engine's consumer, so the version orders the saves as the engine ordered the changes.
            return (engine.BedExitMonitoringAt(bed), engine.BedExitArmings(), bedExitArmings.NextVersion());
        }, context.RequestAborted);
        Log.BedExitMonitoringSet(logger, bed.ToString(), armed, staffId.ToString());
        var saved = bedExitArmings.TrySave(version, armings);
        await WriteJsonAsync(context, 200, writer => WriteBedExit(writer, bed, monitoring, saved));
    }

    private async Task BedExitAsync(HttpContext context)
    {
        if (await FindBedAsync(context, "GET /beds/{ward}/{bed}/bed-exit") is not { } bed)
        {
            return;
        }

        var monitoring = await feed.AskAsync((engine, _, _) => engine.BedExitMonitoringAt(bed), context.RequestAborted);
        await WriteJsonAsync(context, 200, writer => WriteBedExit(writer, bed, monitoring, saved: null));
    }

    /// <summary>A bed's bed-exit monitoring: never the weight, only whether the settled weight is known.</summary>
    private static void WriteBedExit(Utf8JsonWriter writer, BedLocation bed, BedExitMonitoring monitoring, bool? saved)
    {
        writer.WriteStartObject();
        writer.WriteString("ward", bed.Ward.ToString());
        writer.WriteString("bed", bed.Bed.ToString());
        writer.WriteBoolean("armed", monitoring.Armed);
        writer.WriteBoolean("settledWeightKnown", monitoring.SettledWeightKnown);
        if (monitoring.ArmedBy is { } armedBy && monitoring.ArmedAt is { } armedAt)
        {
            writer.WriteString("armedBy", armedBy.ToString());
            writer.WriteString("armedAt", armedAt);
        }
        else
        {
            writer.WriteNull("armedBy");
            writer.WriteNull("armedAt");
        }

        if (saved is { } wasSaved)
        {
            writer.WriteBoolean("saved", wasSaved);
        }

        writer.WriteEndObject();
    }

    private static async Task<bool> AllowedAsync(HttpContext context, string policy) =>
        (await context.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(context.User, policy)).Succeeded;

    /// <summary>Whether the request has a body: a Content-Length above 0, or chunked (RFC 9112 §6.3).</summary>
    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>
    /// The bed, body and staff member of a staff action on a bed; null once the request has been answered: 400 or 404 for
    /// the place, 400 for a body that does not read or that <paramref name="check"/> finds wrong, 403 without a staff identity.
    /// </summary>
    private async Task<(BedLocation Bed, TRequest Body, StaffId StaffId)?> ReadBedActionAsync<TRequest>(
        HttpContext context, string endpoint, string allowedMembers, Func<TRequest, ApiProblem?> check)
        where TRequest : class
    {
        if (await FindBedAsync(context, endpoint) is not { } bed)
        {
            return null;
        }

        var (body, problem) = await RequestBody.ReadAsync<TRequest>(context, allowedMembers);
        if ((problem ?? check(body!)) is { } refusal)
        {
            await RefuseAsync(context, endpoint, refusal);
            return null;
        }

        if (!StaffId.TryCreate(context.User.Identity?.Name, out var staffId))
        {
            await AccessRefusals.ForbidAsync(context);
            return null;
        }

        return (bed, body!, staffId);
    }

    private async Task<BedLocation?> FindBedAsync(HttpContext context, string endpoint)
    {
        if (!BedLocation.TryCreate(context.Request.RouteValues["ward"] as string, context.Request.RouteValues["bed"] as string, out var bed))
        {
            await RefuseAsync(context, endpoint, new ApiProblem(400, "bad-place", "ward and bed are 1-32 of A-Z a-z 0-9 . _ -."));
            return null;
        }

        if (!_beds.Contains(bed))
        {
            await WriteProblemAsync(context, new ApiProblem(404, "unknown-bed", "No registered device is placed at this bed."));
            return null;
        }

        return bed;
    }

    private void WriteNews2(Utf8JsonWriter writer, BedLocation bed, News2Assessment? assessment) => News2Json.Write(writer, bed, assessment, clock.GetUtcNow());

    private async Task RefuseAsync(HttpContext context, string endpoint, ApiProblem problem)
    {
        statistics.RecordBadRequest();
        if (_loggedReasons.TryAdd((endpoint, problem.Reason), true))
        {
            Log.AlarmApiRequestRejected(logger, endpoint, problem.Reason);
        }

        await WriteProblemAsync(context, problem);
    }

    private static Task WriteProblemAsync(HttpContext context, ApiProblem problem) =>
        HttpProblem.WriteAsync(context, problem.Status, problem.Reason, problem.Detail);

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

    /// <summary>How far in the past an observation's <c>observedAt</c> may be: charting an observation late (docs/alerts.md §7).</summary>
    internal static readonly TimeSpan ObservedAtMaxAge = TimeSpan.FromMinutes(60);

    /// <summary>How far ahead of the gateway's clock <c>observedAt</c> may be: the skew between a charting device's clock and the gateway's.</summary>
    internal static readonly TimeSpan ObservedAtMaxAhead = TimeSpan.FromSeconds(60);
}
