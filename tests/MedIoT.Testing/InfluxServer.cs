using System.Globalization;
using System.Net;
using System.Text.Json;

namespace MedIoT.Testing;

/// <summary>
/// A real InfluxDB 1.x (<c>influxd</c>) on free loopback ports, configured from
/// <c>configs/influxdb/influxdb.conf</c> with private data folders.
/// </summary>
public sealed class InfluxServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly TemporaryDirectory _folder;
    private readonly string _executable;
    private readonly string _configurationPath;
    private readonly HttpClient _http;
    private ServerProcess? _process;

    private InfluxServer(TemporaryDirectory folder, string executable, string configurationPath, int httpPort)
    {
        _folder = folder;
        _executable = executable;
        _configurationPath = configurationPath;
        HttpPort = httpPort;
        _http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The loopback port of the HTTP API.</summary>
    public int HttpPort { get; }

    /// <summary>The HTTP API's base address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>The server's recent log lines, for failure messages.</summary>
    public string RecentOutput => _process?.RecentOutput ?? string.Empty;

    /// <summary>Starts influxd and waits until its HTTP API answers <c>/ping</c>.</summary>
    public static async Task<InfluxServer> StartAsync()
    {
        var executable = ServerBinary.Require("influxd", "influxdb");
        var folder = TemporaryDirectory.Create("influxdb");
        return await FreeTcpPort.StartWithRetriesAsync("influxd", folder, async () =>
        {
            var httpPort = FreeTcpPort.Next();
            var rpcPort = FreeTcpPort.Next();
            var configurationPath = folder.Combine("influxdb.conf");
            await File.WriteAllTextAsync(configurationPath, Render(httpPort, rpcPort, folder.Path)).ConfigureAwait(false);
            var server = new InfluxServer(folder, executable, configurationPath, httpPort);
            try
            {
                await server.StartProcessAsync().ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException)
            {
                server._http.Dispose();
                throw;
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Renders the project's influxd configuration for the given ports and folder.</summary>
    public static string Render(int httpPort, int rpcPort, string dataDirectory)
    {
        var template = File.ReadAllText(Path.Combine(RepositoryLayout.Configs, "influxdb", "influxdb.conf"));
        return template
            .Replace("{{HTTP_PORT}}", httpPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{RPC_PORT}}", rpcPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{DATA_DIR}}", dataDirectory, StringComparison.Ordinal);
    }

    /// <summary>Creates a database (InfluxQL <c>CREATE DATABASE</c> is idempotent).</summary>
    public async Task CreateDatabaseAsync(string database)
    {
        using var content = new FormUrlEncodedContent([new("q", $"CREATE DATABASE \"{database}\"")]);
        using var response = await _http.PostAsync(new Uri("query", UriKind.Relative), content).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Runs an InfluxQL query with nanosecond epoch timestamps and returns the rows of its first series set.</summary>
    public async Task<IReadOnlyList<InfluxRow>> QueryAsync(string database, string query)
    {
        var uri = $"query?db={Uri.EscapeDataString(database)}&epoch=ns&q={Uri.EscapeDataString(query)}";
        using var response = await _http.GetAsync(new Uri(uri, UriKind.Relative)).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"InfluxDB answered {(int)response.StatusCode} to '{query}': {body}");
        }

        return InfluxRow.Parse(body);
    }

    /// <summary>Stops influxd gracefully.</summary>
    public Task StopAsync() => _process?.StopAsync() ?? Task.CompletedTask;

    /// <summary>Starts influxd again on the same ports and folders.</summary>
    public async Task RestartAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        await StartProcessAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
        _folder.Dispose();
    }

    private async Task StartProcessAsync()
    {
        _process = await ServerProcess.StartAsync(
            "influxd", _executable, ["-config", _configurationPath], "Listening on HTTP", s_startTimeout).ConfigureAwait(false);
        using var ping = await _http.GetAsync(new Uri("ping", UriKind.Relative)).ConfigureAwait(false);
        if (ping.StatusCode != HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException($"influxd answered /ping with {(int)ping.StatusCode}, not 204.");
        }
    }
}

/// <summary>One row of an InfluxQL result: the series' tags plus the row's columns.</summary>
public sealed record InfluxRow(string Measurement, IReadOnlyDictionary<string, string> Tags, IReadOnlyDictionary<string, JsonElement> Columns)
{
    /// <summary>The row's <c>time</c> column in nanoseconds since the Unix epoch (query with <c>epoch=ns</c>).</summary>
    public long TimeNanoseconds => Columns["time"].GetInt64();

    internal static IReadOnlyList<InfluxRow> Parse(string body)
    {
        using var document = JsonDocument.Parse(body);
        var rows = new List<InfluxRow>();
        foreach (var result in document.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"InfluxDB query error: {error.GetString()}");
            }

            if (!result.TryGetProperty("series", out var seriesArray))
            {
                continue;
            }

            foreach (var series in seriesArray.EnumerateArray())
            {
                var measurement = series.GetProperty("name").GetString() ?? string.Empty;
                var tags = new Dictionary<string, string>(StringComparer.Ordinal);
                if (series.TryGetProperty("tags", out var tagObject))
                {
                    foreach (var tag in tagObject.EnumerateObject())
                    {
                        tags[tag.Name] = tag.Value.GetString() ?? string.Empty;
                    }
                }

                var columns = series.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
                foreach (var values in series.GetProperty("values").EnumerateArray())
                {
                    var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                    var index = 0;
                    foreach (var value in values.EnumerateArray())
                    {
                        row[columns[index++]] = value.Clone();
                    }

                    rows.Add(new InfluxRow(measurement, tags, row));
                }
            }
        }

        return rows;
    }
}
