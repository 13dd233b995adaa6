using System.Text.Json;
using System.Text.Json.Serialization;
using MedIoT.Gateway.Anchoring;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Journal;
using MedIoT.Protocol.Frames;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MedIoT.Gateway.Http;

/// <summary>
/// <c>GET /health</c>: whether the gateway is running, its ingestion totals with the rejections per reason, its storage
/// backlog (journal size, the InfluxDB writer's lag in entries and seconds) and where anchoring in the hospital ledger
/// stands, for the ward's monitoring (README.md, "GET /health"). Counts only; never a patient value.
/// </summary>
internal sealed class HealthEndpoints(IngestionStatistics statistics, GatewayJournal journal, JournalStatistics journalStatistics, AnchoringStatus anchoring,
    TimeProvider timeProvider)
    : IGatewayEndpoints
{
    private static readonly FrameRejectionReason[] s_reasons = [.. Enum.GetValues<FrameRejectionReason>().Where(reason => reason != FrameRejectionReason.None)];
    private readonly DateTimeOffset _startedAt = timeProvider.GetUtcNow();

    public void Map(IEndpointRouteBuilder endpoints) => endpoints.MapGet("/health", () => Results.Json(Report(), HealthJsonContext.Default.HealthReport));

    /// <summary>The report <c>GET /health</c> answers with (also shown by the station's IT view).</summary>
    internal HealthReport Report()
    {
        var backlog = JournalBacklog.Measure(journal, journalStatistics, timeProvider);
        return new HealthReport(
            "ok",
            (long)(timeProvider.GetUtcNow() - _startedAt).TotalSeconds,
            statistics.Accepted,
            statistics.Duplicates,
            statistics.RejectedTotal,
            Rejections(),
            statistics.ObservationsStored,
            backlog.JournalSize,
            backlog.WriterPosition,
            backlog.LagEntries,
            Math.Round(backlog.LagSeconds, 3),
            journalStatistics.PointsRefused,
            journalStatistics.DurableLatencyPercentile(0.5),
            journalStatistics.DurableLatencyPercentile(0.99),
                Anchoring());
    }

    /// <summary>Every reason of docs/device-protocol.md §7 by its name, in the table's order, zero included, so the shape never changes.</summary>
    private Dictionary<string, long> Rejections()
    {
        var rejections = new Dictionary<string, long>(s_reasons.Length, StringComparer.Ordinal);
        foreach (var reason in s_reasons)
        {
            rejections.Add(reason.ToString(), statistics.Rejected(reason));
        }

        return rejections;
    }

    private AnchoringHealth Anchoring()
    {
        var (lastError, lastErrorAt) = anchoring.LastError;
        return new AnchoringHealth(anchoring.Enabled, anchoring.AnchoredSize, anchoring.Unanchored, Math.Round(anchoring.OldestUnanchoredSeconds, 3),
            lastError, lastErrorAt, anchoring.Anchored, anchoring.Unavailable, anchoring.Refused, anchoring.ForkAlarms, anchoring.BadReceipts,
            anchoring.WrongLedgerOrigins);
    }

    internal sealed record HealthReport(
        string Status, long UptimeSeconds, long FramesAccepted, long Duplicates, long FramesRejected, Dictionary<string, long> Rejections,
        long ReadingsStored,
        long JournalSize, long InfluxWriterPosition, long InfluxLagEntries, double InfluxLagSeconds, long InfluxPointsRefused,
        double JournalLatencyP50Milliseconds, double JournalLatencyP99Milliseconds, AnchoringHealth Anchoring);

    internal sealed record AnchoringHealth(
        bool Enabled, long AnchoredSize, int UnanchoredCheckpoints, double OldestUnanchoredSeconds, string? LastError, DateTimeOffset? LastErrorAt,
        long Anchored, long Unavailable, long Refused, long ForkAlarms, long BadReceipts, long WrongLedgerOrigins);
}

/// <summary>The report of <c>GET /health</c> and the station's IT view, described at build time (web defaults: camelCase names).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthEndpoints.HealthReport))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
