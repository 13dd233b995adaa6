using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using MedIoT.Alerts;
using MedIoT.Gateway.Access;
using MedIoT.Gateway.Alerts.Delivery;
using MedIoT.Gateway.Http;
using MedIoT.Gateway.Storage.Influx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MedIoT.Gateway.Station;

/// <summary>
/// The station's routes (docs/station.md): its pages, the JSON they read, the live events and the assets. Every route but
/// the assets requires sign-in and names its policy (<see cref="AccessPolicies"/>); a place in a URL is validated
/// (<see cref="BedLocation.TryCreate"/>) and must be a registered bed; a refusal is an RFC 9457 problem, counted and
/// logged once per reason.
/// </summary>
internal sealed class StationEndpoints(
    WardView ward, StationAssets assets, StationEventStream events, VitalTrendReader trends, AlarmHistoryReader history, HealthEndpoints health,
    StationStatistics statistics, TimeProvider timeProvider, ILogger<StationEndpoints> logger) : IGatewayEndpoints
{
    private readonly ConcurrentDictionary<(string, string), bool> _loggedRefusals = new();
    private readonly ConcurrentDictionary<string, bool> _queryFailing = new(StringComparer.Ordinal);

    public void Map(IEndpointRouteBuilder endpoints)
    {
        assets.Map(endpoints);
        endpoints.MapGet("/station", (HttpContext context) => StationPages.Overview(context, ward.Wards)).RequireAuthorization(AccessPolicies.SeeWard);
        endpoints.MapGet("/station/beds/{ward}/{bed}", BedPage).RequireAuthorization(AccessPolicies.SeeWard);
        endpoints.MapGet("/station/it", (HttpContext context) => StationPages.It(context, ward.Wards)).RequireAuthorization(AccessPolicies.SeeIt);
        // Either policy: care-team messages go to those who see the ward, IT-channel messages to IT (StationEventStream).
        endpoints.MapGet("/station/events", events.StreamAsync).RequireAuthorization(policy => policy.RequireRole(StaffRoles.All));
        endpoints.MapGet("/station/api/overview", (Func<HttpContext, Task<IResult>>)OverviewAsync).RequireAuthorization(AccessPolicies.SeeWard);
        endpoints.MapGet("/station/api/beds/{ward}/{bed}", (Func<HttpContext, Task<IResult>>)BedAsync).RequireAuthorization(AccessPolicies.SeeWard);
        endpoints.MapGet("/station/api/beds/{ward}/{bed}/trends", (Func<HttpContext, Task<IResult>>)TrendsAsync).RequireAuthorization(AccessPolicies.SeeWard);
        endpoints.MapGet("/station/api/beds/{ward}/{bed}/alarm-history", (Func<HttpContext, Task<IResult>>)AlarmHistoryAsync).RequireAuthorization(AccessPolicies.SeeWard);
        endpoints.MapGet("/station/api/it", (Func<HttpContext, Task<IResult>>)ItAsync).RequireAuthorization(AccessPolicies.SeeIt);
    }

    private IResult BedPage(HttpContext context) =>
        FindBed(context, "GET /station/beds/{ward}/{bed}", out var bed) is { } refusal ? refusal : StationPages.Bed(context, ward.Wards, bed);

    private async Task<IResult> OverviewAsync(HttpContext context)
    {
        var state = await ward.ReadAsync(context.RequestAborted).ConfigureAwait(false);
        return Json(context, writer => ward.WriteOverview(writer, state, context.User, StationRoles.SeesIt(context.User)));
    }

    private async Task<IResult> BedAsync(HttpContext context)
    {
        if (FindBed(context, "GET /station/api/beds/{ward}/{bed}", out var bed) is { } refusal)
        {
            return refusal;
        }

        var state = await ward.ReadAsync(context.RequestAborted).ConfigureAwait(false);
        return Json(context, writer => ward.WriteBed(writer, state, bed, context.User));
    }

    private async Task<IResult> TrendsAsync(HttpContext context)
    {
        const string endpoint = "GET /station/api/beds/{ward}/{bed}/trends";
        if (FindBed(context, endpoint, out var bed) is { } refusal)
        {
            return refusal;
        }

        var hours = context.Request.Query["hours"];
        if (context.Request.Query.Count != 1 || hours.Count != 1
            || !int.TryParse(hours[0], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || !TrendWindow.TryGet(length, out var window))
        {
            return Refuse(context, endpoint, StatusCodes.Status400BadRequest, "bad-hours", "Give hours=1, 4, 12 or 24 and no other query parameter.");
        }

        var now = timeProvider.GetUtcNow();
        var (series, result) = await trends.ReadAsync(bed, window, now, context.RequestAborted).ConfigureAwait(false);
        if (Unavailable(context, "trends", result) is { } unavailable)
        {
            return unavailable;
        }

        return Json(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("ward", bed.Ward.ToString());
            writer.WriteString("bed", bed.Bed.ToString());
            writer.WriteNumber("hours", window.Hours);
            writer.WriteString("from", AlarmJson.Time(now - TimeSpan.FromHours(window.Hours)));
            writer.WriteString("to", AlarmJson.Time(now));
            if (window.Interval is { } interval)
            {
                writer.WriteNumber("intervalSeconds", (long)interval.TotalSeconds);
            }
            else
            {
                writer.WriteNull("intervalSeconds");
            }

            writer.WriteStartArray("series");
            foreach (var trend in series)
            {
                writer.WriteStartObject();
                writer.WriteNumber("code", trend.MdcCode);
                writer.WriteString("name", VitalNames.Of(trend.MdcCode));
                writer.WriteString("unit", trend.Unit);
                writer.WriteString("displayUnit", VitalNames.DisplayUnit(trend.Unit));
                writer.WriteStartArray("points");
                foreach (var (time, value) in trend.Points)
                {
                    writer.WriteStartArray();
                    writer.WriteNumberValue(time);
                    writer.WriteNumberValue(Math.Round(value, 2));
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private async Task<IResult> AlarmHistoryAsync(HttpContext context)
    {
        if (FindBed(context, "GET /station/api/beds/{ward}/{bed}/alarm-history", out var bed) is { } refusal)
        {
            return refusal;
        }

        var (stored, result) = await history.ReadAsync(bed, timeProvider.GetUtcNow(), context.RequestAborted).ConfigureAwait(false);
        if (Unavailable(context, "alarm history", result) is { } unavailable)
        {
            return unavailable;
        }

        return Json(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("ward", bed.Ward.ToString());
            writer.WriteString("bed", bed.Bed.ToString());
            writer.WriteStartArray("events");
            foreach (var stored in stored)
            {
                writer.WriteStartObject();
                writer.WriteString("at", AlarmJson.Time(DateTimeOffset.FromUnixTimeMilliseconds(stored.UnixMilliseconds)));
                writer.WriteNumber("alarmId", stored.AlarmId);
                writer.WriteString("event", stored.Kind);
                writer.WriteString("priority", stored.Priority);
                writer.WriteString("category", stored.Category);
                writer.WriteString("condition", stored.Condition);
                writer.WriteString("acknowledgedBy", stored.AcknowledgedBy);
                if (stored.News2Score is { } score)
                {
                    writer.WriteNumber("news2Score", score);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private async Task<IResult> ItAsync(HttpContext context)
    {
        var state = await ward.ReadAsync(context.RequestAborted).ConfigureAwait(false);
        var report = health.Report();
        return Json(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("at", AlarmJson.Time(timeProvider.GetUtcNow()));
            writer.WritePropertyName("health");
            JsonSerializer.Serialize(writer, report, HealthJsonContext.Default.HealthReport);
            ward.WriteDevices(writer, state);
            writer.WriteEndObject();
        });
    }

    /// <summary>The bed a route names, or the refusal: 400 for a malformed place, 404 for a bed no registered device is at.</summary>
    private IResult? FindBed(HttpContext context, string endpoint, out BedLocation bed)
    {
        if (!BedLocation.TryCreate(context.Request.RouteValues["ward"] as string, context.Request.RouteValues["bed"] as string, out bed))
        {
            return Refuse(context, endpoint, StatusCodes.Status400BadRequest, "bad-place", "ward and bed are 1-32 of A-Z a-z 0-9 . _ -.");
        }

        return ward.IsRegistered(bed) ? null : Refuse(context, endpoint, StatusCodes.Status404NotFound, "unknown-bed", "No registered device is placed at this bed.");
    }

    private IResult Refuse(HttpContext context, string endpoint, int status, string reason, string detail)
    {
        statistics.RecordRefused(reason);
        if (_loggedRefusals.TryAdd((endpoint, reason), true))
        {
            Log.StationRequestRefused(logger, endpoint, reason);
        }

        return Problem(context, status, reason, detail);
    }

    /// <summary>
    /// 503 with a problem that says so when InfluxDB gave no answer (down, slow, write-only): the page shows the detail in
    /// place of the chart. Logged once until the next answer.
    /// </summary>
    private IResult? Unavailable(HttpContext context, string query, InfluxQueryResult result)
    {
        if (result.Outcome == InfluxQueryOutcome.Answered)
        {
            _queryFailing.TryRemove(query, out _);
            return null;
        }

        if (_queryFailing.TryAdd(query, true))
        {
            Log.StationQueryUnavailable(logger, query, result.Outcome.ToString(), result.Problem ?? string.Empty);
        }

        var why = result.Outcome switch
        {
            InfluxQueryOutcome.Unreachable => "InfluxDB cannot be reached",
            InfluxQueryOutcome.NoQueryApi => "the configured InfluxDB endpoint cannot be queried (write-only)",
            _ => "InfluxDB could not answer the query",
        };
        var what = char.ToUpperInvariant(query[0]) + query[1..];
        return Problem(context, StatusCodes.Status503ServiceUnavailable, query.Replace(' ', '-') + "-unavailable",
            $"{what} unavailable: {why}. Live values and alarms are not affected.");
    }

    private static IResult Problem(HttpContext context, int status, string reason, string detail)
    {
        StationPages.Secure(context.Response);
        context.Response.Headers.CacheControl = "no-store";
        // RFC 9457 problem details, with the fixed reason the alarm API's problems carry too.
        return Results.Problem(detail, statusCode: status, extensions: new Dictionary<string, object?> { ["reason"] = reason });
    }

    private static IResult Json(HttpContext context, Action<Utf8JsonWriter> write)
    {
        StationPages.Secure(context.Response);
        context.Response.Headers.CacheControl = "no-store";
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Results.Bytes(stream.ToArray(), "application/json");
    }
}
