using MedIoT.Gateway.Access;
using MedIoT.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MedIoT.Gateway.Tests.Access;

/// <summary>
/// Routes shaped like the station's (a page, its JSON, its events), each behind <see cref="AccessPolicies.SeeWard"/>, so
/// the sign-in tests see how a refusal is answered for a page and for data without depending on the station's folder.
/// </summary>
internal sealed class StandInStationRoutes : IGatewayEndpoints
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/station/beds/{ward}/{bed}", () => Results.Text("bed page", "text/html")).RequireAuthorization(AccessPolicies.SeeWard);
        endpoints.MapGet("/station/api/overview", () => Results.Json(new { beds = Array.Empty<string>() })).RequireAuthorization(AccessPolicies.SeeWard);
        endpoints.MapGet("/station/events", () => Results.Text(": keep-alive\n", "text/event-stream")).RequireAuthorization(AccessPolicies.SeeWard);
    }
}
