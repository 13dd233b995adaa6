using System.Globalization;
using MedIoT.Alerts;
using MedIoT.Protocol.Frames;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// Reads a bed's vital-sign trends from the readings measurement (<see cref="VitalSignPoints"/>: tags ward, bed, code)
/// with one InfluxQL statement per window (<see cref="TrendWindow"/>).
/// </summary>
internal sealed class VitalTrendReader(InfluxQueryClient client, IOptions<InfluxOptions> options)
{
    private readonly string _measurement = options.Value.Measurement;

    /// <summary>The statement for <paramref name="bed"/> over <paramref name="window"/> ending at <paramref name="now"/>.</summary>
    public static string Statement(string measurement, BedLocation bed, TrendWindow window, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(window);
        var place = $"FROM {InfluxQl.Identifier(measurement)} WHERE {InfluxQl.Identifier("ward")} = {InfluxQl.StringLiteral(bed.Ward.ToString())}" +
            $" AND {InfluxQl.Identifier("bed")} = {InfluxQl.StringLiteral(bed.Bed.ToString())}" +
            $" AND time > {InfluxQl.Time(now - TimeSpan.FromHours(window.Hours))} AND time <= {InfluxQl.Time(now)}";
        var limit = window.MaximumPoints.ToString(CultureInfo.InvariantCulture);
        return window.Interval is { } interval
            ? $"SELECT mean({InfluxQl.Identifier("value")}) AS {InfluxQl.Identifier("value")} {place} GROUP BY time({(long)interval.TotalSeconds}s), {InfluxQl.Identifier("code")} fill(none) LIMIT {limit}"
            // The newest points when a device sends more than the cap: newest first here, turned round below.
            : $"SELECT {InfluxQl.Identifier("value")} {place} GROUP BY {InfluxQl.Identifier("code")} ORDER BY time DESC LIMIT {limit}";
    }

    /// <summary>The bed's trends, one per vital code, in code order; or why InfluxDB gave none.</summary>
    public async Task<(IReadOnlyList<VitalTrend> Trends, InfluxQueryResult Result)> ReadAsync(
        BedLocation bed, TrendWindow window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await client.QueryAsync(Statement(_measurement, bed, window, now), cancellationToken).ConfigureAwait(false);
        var trends = new List<VitalTrend>();
        foreach (var series in result.Series)
        {
            if (!int.TryParse(series.Tags.GetValueOrDefault("code"), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                continue;
            }

            int time = series.IndexOf("time"), value = series.IndexOf("value");
            var points = new List<(long, double)>(series.Rows.Count);
            foreach (var row in series.Rows)
            {
                if (InfluxSeries.Number(row, time) is { } nanoseconds && InfluxSeries.Number(row, value) is { } reading)
                {
                    points.Add(((long)(nanoseconds / 1_000_000), reading));
                }
            }

            points.Sort((left, right) => left.Item1.CompareTo(right.Item1));
            trends.Add(new VitalTrend(code, MdcCodes.TryGetUnit(code, out var unit) ? unit : string.Empty, points));
        }

        trends.Sort((left, right) => left.MdcCode.CompareTo(right.MdcCode));
        return (trends, result);
    }
}
