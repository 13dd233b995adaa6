using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MedIoT.Gateway.Storage.Influx;

namespace MedIoT.Gateway.Audit;

/// <summary>Reads readings and alarm points back with InfluxQL (<c>GET /query</c>, InfluxDB 1.x and the 2.x/3.x compatibility API).</summary>
internal sealed class InfluxReadClient(HttpClient http, InfluxOptions options)
{
    /// <summary>Every point of the measurement in [from, to] matching the filters.</summary>
    /// <exception cref="InvalidOperationException">InfluxDB refused the query.</exception>
    public async Task<IReadOnlyList<StoredPoint>> ReadAsync(AuditRequest request, CancellationToken cancellationToken)
    {
        var query = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"SELECT \"value\", \"journal\", \"seq\" FROM \"{options.Measurement}\" WHERE time >= {Nanoseconds(request.From)} AND time <= {Nanoseconds(request.To)}");
        foreach (var (tag, value) in new[] { ("ward", request.Ward), ("bed", request.Bed), ("device", request.Device) })
        {
            if (value is not null)
            {
                // AuditRequest allows only [A-Za-z0-9._-] here: nothing to escape.
                query.Append(CultureInfo.InvariantCulture, $" AND \"{tag}\" = '{value}'");
            }
        }

        query.Append(" GROUP BY *");
        return Parse(await QueryAsync(query.ToString(), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Every point of the measurement <c>alarms</c> in [from, to] matching the filters (<c>--device</c>: the alarm's device).</summary>
    /// <exception cref="InvalidOperationException">InfluxDB refused the query.</exception>
    public async Task<IReadOnlyList<StoredAlarmPoint>> ReadAlarmsAsync(AuditRequest request, CancellationToken cancellationToken)
    {
        var query = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"SELECT \"alarm_id\", \"escalation\", \"journal\", \"news2\", \"device\", \"acknowledged_by\" FROM \"{AlarmPoints.Measurement}\" WHERE time >= {Nanoseconds(request.From)} AND time <= {Nanoseconds(request.To)}");
        foreach (var (key, value) in new[] { ("ward", request.Ward), ("bed", request.Bed), ("device", request.Device) })
        {
            if (value is not null)
            {
                // AuditRequest allows only [A-Za-z0-9._-] here: nothing to escape. "device" is a field of alarm points.
                query.Append(CultureInfo.InvariantCulture, $" AND \"{key}\" = '{value}'");
            }
        }

        query.Append(" GROUP BY *");
        var points = new List<StoredAlarmPoint>();
        foreach (var (tags, columns, cells) in Rows(await QueryAsync(query.ToString(), cancellationToken).ConfigureAwait(false)))
        {
            long? Integer(string column) => Number(cells, columns.IndexOf(column)) is { } number ? (long)number : null;
            string? Text(string column) => columns.IndexOf(column) is var index and >= 0 && cells[index].ValueKind == JsonValueKind.String ? cells[index].GetString() : null;
            points.Add(new StoredAlarmPoint(tags, cells[columns.IndexOf("time")].GetInt64(), Integer("alarm_id"), Integer("escalation"), Integer("journal"),
                Integer("news2"), Text("device"), Text("acknowledged_by")));
        }

        return points;
    }

    private async Task<byte[]> QueryAsync(string query, CancellationToken cancellationToken)
    {
        var uri = new Uri(options.Url, $"query?db={Uri.EscapeDataString(options.Database)}&epoch=ns&q={Uri.EscapeDataString(query)}");
        using var message = new HttpRequestMessage(HttpMethod.Get, uri);
        if (!string.IsNullOrEmpty(options.Username))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
        }

        using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"InfluxDB at {options.Url} answered the audit query with HTTP {(int)response.StatusCode}.");
        }

        return body;
    }

    /// <summary>The rows of an InfluxQL answer: each with its series' tags, the column names and the cells.</summary>
    private static IEnumerable<(Dictionary<string, string?> Tags, List<string?> Columns, JsonElement[] Cells)> Rows(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        foreach (var result in document.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"InfluxDB refused the audit query: {error.GetString()}");
            }

            if (!result.TryGetProperty("series", out var series))
            {
                continue;
            }

            foreach (var set in series.EnumerateArray())
            {
                var tags = set.TryGetProperty("tags", out var t) ? t.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()) : [];
                var columns = set.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList();
                foreach (var row in set.GetProperty("values").EnumerateArray())
                {
                    // Cloned: the document is disposed when the enumeration ends.
                    yield return (tags, columns, row.EnumerateArray().Select(cell => cell.Clone()).ToArray());
                }
            }
        }
    }

    private static List<StoredPoint> Parse(byte[] body)
    {
        var points = new List<StoredPoint>();
        foreach (var (tags, columns, cells) in Rows(body))
        {
            int time = columns.IndexOf("time"), value = columns.IndexOf("value"), journal = columns.IndexOf("journal"), sequence = columns.IndexOf("seq");
            points.Add(new StoredPoint(
                tags.GetValueOrDefault("device") ?? string.Empty,
                tags.GetValueOrDefault("code") ?? string.Empty,
                tags.GetValueOrDefault("ward"),
                tags.GetValueOrDefault("bed"),
                cells[time].GetInt64(),
                Number(cells, value) is { } v ? v : null,
                Number(cells, sequence) is { } s ? (long)s : null,
                Number(cells, journal) is { } j ? (long)j : null));
        }

        return points;
    }

    private static double? Number(JsonElement[] cells, int column) =>
        column >= 0 && cells[column].ValueKind == JsonValueKind.Number ? cells[column].GetDouble() : null;

    private static long Nanoseconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;
}
