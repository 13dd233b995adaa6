using System.Globalization;
using MedIoT.Alerts;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>Reads a bed's alarm events from the <c>alarms</c> measurement (<see cref="AlarmPoints"/>), newest first.</summary>
internal sealed class AlarmHistoryReader(InfluxQueryClient client)
{
    /// <summary>How far back the history reaches.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>The most events the page gets.</summary>
    public const int MaximumEvents = 200;

    /// <summary>The statement for <paramref name="bed"/>'s events in the <see cref="Window"/> before <paramref name="now"/>.</summary>
    public static string Statement(BedLocation bed, DateTimeOffset now) =>
        // Tags selected beside the fields come back as columns (InfluxQL SELECT clause), so one series holds every event.
        $"SELECT {string.Join(", ", new[] { "alarm_id", "kind", "priority", "category", "condition", "acknowledged_by", "news2" }.Select(InfluxQl.Identifier))}" +
        $" FROM {InfluxQl.Identifier(AlarmPoints.Measurement)} WHERE {InfluxQl.Identifier("ward")} = {InfluxQl.StringLiteral(bed.Ward.ToString())}" +
        $" AND {InfluxQl.Identifier("bed")} = {InfluxQl.StringLiteral(bed.Bed.ToString())}" +
        $" AND time > {InfluxQl.Time(now - Window)} AND time <= {InfluxQl.Time(now)}" +
        $" ORDER BY time DESC LIMIT {MaximumEvents.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The bed's alarm events, newest first; or why InfluxDB gave none.</summary>
    public async Task<(IReadOnlyList<StoredAlarmEvent> Events, InfluxQueryResult Result)> ReadAsync(BedLocation bed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await client.QueryAsync(Statement(bed, now), cancellationToken).ConfigureAwait(false);
        var events = new List<StoredAlarmEvent>();
        foreach (var series in result.Series)
        {
            int time = series.IndexOf("time"), id = series.IndexOf("alarm_id"), kind = series.IndexOf("kind"), priority = series.IndexOf("priority"),
                category = series.IndexOf("category"), condition = series.IndexOf("condition"), by = series.IndexOf("acknowledged_by"), news2 = series.IndexOf("news2");
            foreach (var row in series.Rows)
            {
                if (InfluxSeries.Number(row, time) is not { } nanoseconds || InfluxSeries.Number(row, id) is not { } alarmId)
                {
                    continue;
                }

                events.Add(new StoredAlarmEvent((long)(nanoseconds / 1_000_000), (long)alarmId, InfluxSeries.Text(row, kind) ?? string.Empty,
                    InfluxSeries.Text(row, priority) ?? string.Empty, InfluxSeries.Text(row, category) ?? string.Empty,
                    InfluxSeries.Text(row, condition) ?? string.Empty, InfluxSeries.Text(row, by),
                    InfluxSeries.Number(row, news2) is { } score ? (int)score : null));
            }
        }

        events.Sort((left, right) => right.UnixMilliseconds.CompareTo(left.UnixMilliseconds));
        return (events, result);
    }
}
