using MedIoT.Gateway.Ingestion;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MedIoT.Gateway.Http;

/// <summary>
/// <c>GET /health</c>: whether the gateway is running and its ingestion totals, for the ward's monitoring.
/// Counts only; never a patient value.
/// </summary>
internal sealed class HealthEndpoints(IngestionStatistics statistics, TimeProvider timeProvider) : IGatewayEndpoints
{
    private readonly DateTimeOffset _startedAt = timeProvider.GetUtcNow();

    public void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/health", () => Results.Json(new HealthReport(
            "ok",
            (long)(timeProvider.GetUtcNow() - _startedAt).TotalSeconds,
            statistics.Accepted,
            statistics.Duplicates,
            statistics.ObservationsStored)));

    private sealed record HealthReport(string Status, long UptimeSeconds, long FramesAccepted, long Duplicates, long ReadingsStored);
}
