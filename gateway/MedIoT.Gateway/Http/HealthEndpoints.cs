using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MedIoT.Gateway.Http;

/// <summary>
/// <c>GET /health</c>: whether the gateway is running, its ingestion totals and its storage backlog (journal size, the
/// InfluxDB writer's lag in entries and seconds), for the ward's monitoring. Counts only; never a patient value.
/// </summary>
internal sealed class HealthEndpoints(IngestionStatistics statistics, GatewayJournal journal, JournalStatistics journalStatistics, TimeProvider timeProvider)
    : IGatewayEndpoints
{
    private readonly DateTimeOffset _startedAt = timeProvider.GetUtcNow();

    public void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/health", () =>
        {
            var backlog = JournalBacklog.Measure(journal, journalStatistics, timeProvider);
            return Results.Json(new HealthReport(
                "ok",
                (long)(timeProvider.GetUtcNow() - _startedAt).TotalSeconds,
                statistics.Accepted,
                statistics.Duplicates,
                statistics.ObservationsStored,
                backlog.JournalSize,
                backlog.WriterPosition,
                backlog.LagEntries,
                Math.Round(backlog.LagSeconds, 3),
                journalStatistics.PointsRefused,
                journalStatistics.DurableLatencyPercentile(0.5),
                journalStatistics.DurableLatencyPercentile(0.99)));
        });

    private sealed record HealthReport(
        string Status, long UptimeSeconds, long FramesAccepted, long Duplicates, long ReadingsStored,
        long JournalSize, long InfluxWriterPosition, long InfluxLagEntries, double InfluxLagSeconds, long InfluxPointsRefused,
        double JournalLatencyP50Milliseconds, double JournalLatencyP99Milliseconds);
}
