using System.Globalization;
using System.Text;

namespace MedIoT.Gateway.LoadTest;

/// <summary>What the open stations measured in the window (<see cref="StationLoad"/>).</summary>
/// <param name="Publication">Per station: alarm <c>publishedAt</c> to receipt of its <c>event: alarm</c>.</param>
/// <param name="AlarmEventsPerSecond">Alarm events one station received per second (every station gets the same care-team events).</param>
/// <param name="BedEventsPerSecond">Bed events (a place's alarms changed) one station received per second.</param>
/// <param name="Resyncs">Resync events all stations received (the gateway dropped events for a station that fell behind).</param>
/// <param name="OverviewServer">The gateway's own time for <c>GET /station/api/overview</c> (its <c>Server-Timing</c> header).</param>
/// <param name="OverviewRoundTrip">The client's time for the same requests, from sending to the whole body.</param>
/// <param name="PageServer">The gateway's own time for the <c>/station</c> page.</param>
/// <param name="PageRoundTrip">The client's time for the page.</param>
internal sealed record StationResult(
    IReadOnlyList<LatencySummary> Publication,
    double AlarmEventsPerSecond,
    double BedEventsPerSecond,
    int Resyncs,
    LatencySummary OverviewServer,
    LatencySummary OverviewRoundTrip,
    LatencySummary PageServer,
    LatencySummary PageRoundTrip)
{
    public string Format()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"stations: {Publication.Count}; alarm events {AlarmEventsPerSecond:0.0}/s and bed events {BedEventsPerSecond:0.0}/s per station; resyncs {Resyncs}");
        text.AppendLine("| station | alarm events | publication to page p50 / p99 / max |");
        text.AppendLine("|---|---|---|");
        for (var i = 0; i < Publication.Count; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {i + 1} | {Publication[i].Count} | {Publication[i].Cell} |");
        }

        text.AppendLine("| request (every 250 ms) | requests | server time (Server-Timing) p50 / p99 / max | round trip p50 / p99 / max |");
        text.AppendLine("|---|---|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| GET /station/api/overview | {OverviewServer.Count} | {OverviewServer.Cell} | {OverviewRoundTrip.Cell} |");
        text.Append(CultureInfo.InvariantCulture, $"| GET /station | {PageServer.Count} | {PageServer.Cell} | {PageRoundTrip.Cell} |");
        return text.ToString();
    }
}
