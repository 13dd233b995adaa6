using System.Globalization;
using System.Net;
using System.Text.Json;

namespace MedIoT.Testing;

/// <summary>
/// A real VictoriaMetrics (Debian package <c>victoria-metrics</c>) on a free loopback port with a private data folder:
/// the tests' server for the InfluxDB <c>/api/v2/write</c> path. It stores each line-protocol field as a series named
/// <c>measurement_field</c> with the line's tags as labels, at millisecond precision.
/// </summary>
public sealed class VictoriaMetricsServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly TemporaryDirectory _folder;
    private readonly HttpClient _http;
    private ServerProcess? _process;

    private VictoriaMetricsServer(TemporaryDirectory folder, int port)
    {
        _folder = folder;
        HttpPort = port;
        _http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The loopback port of the HTTP API.</summary>
    public int HttpPort { get; }

    /// <summary>The HTTP API's base address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}/");

    /// <summary>The server's recent log lines, for failure messages.</summary>
    public string RecentOutput => _process?.RecentOutput ?? string.Empty;

    /// <summary>Starts VictoriaMetrics and waits until <c>/health</c> answers.</summary>
    public static async Task<VictoriaMetricsServer> StartAsync()
    {
        var executable = ServerBinary.Require("victoria-metrics", "victoria-metrics");
        var folder = TemporaryDirectory.Create("victoria-metrics");
        return await FreeTcpPort.StartWithRetriesAsync("victoria-metrics", folder, async () =>
        {
            var port = FreeTcpPort.Next();
            var server = new VictoriaMetricsServer(folder, port);
            try
            {
                server._process = await ServerProcess.StartAsync(
                    "victoria-metrics", executable,
                    [
                        "-storageDataPath=" + folder.Combine("data"),
                        "-httpListenAddr=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
                        // Readings of any age are kept (the tests write fixed past times).
                        "-retentionPeriod=100y",
                        "-search.latencyOffset=0s",
                    ],
                    "starting http server at", s_startTimeout).ConfigureAwait(false);
                await server.WaitForHealthAsync().ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException)
            {
                if (server._process is not null)
                {
                    await server._process.DisposeAsync().ConfigureAwait(false);
                }

                server._http.Dispose();
                throw;
            }
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until <c>/health</c> answers 200. VictoriaMetrics logs "starting http server" before it binds the port, so
    /// the first connections may be refused; a server that exits meanwhile (its port taken) fails the attempt.
    /// </summary>
    private async Task WaitForHealthAsync()
    {
        using var deadline = new CancellationTokenSource(s_startTimeout);
        while (true)
        {
            try
            {
                using var health = await _http.GetAsync(new Uri("health", UriKind.Relative)).ConfigureAwait(false);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                throw new InvalidOperationException($"victoria-metrics answered /health with {(int)health.StatusCode}.");
            }
            catch (HttpRequestException) when (!_process!.HasExited && !deadline.IsCancellationRequested)
            {
                // Not listening yet: asked again below.
            }
            catch (HttpRequestException refused)
            {
                throw new InvalidOperationException($"victoria-metrics did not answer /health: {refused.Message}\n{RecentOutput}", refused);
            }

            // Bounded by the deadline; wakes early if the server exits.
            await Task.WhenAny(_process.Exited, Task.Delay(TimeSpan.FromMilliseconds(50))).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every sample of the series matching <paramref name="selector"/> (a PromQL series selector), after making recently
    /// written rows searchable (<c>/internal/force_flush</c>).
    /// </summary>
    public async Task<IReadOnlyList<VictoriaMetricsSeries>> ExportAsync(string selector)
    {
        using (var flush = await _http.GetAsync(new Uri("internal/force_flush", UriKind.Relative)).ConfigureAwait(false))
        {
            flush.EnsureSuccessStatusCode();
        }

        using var response = await _http.GetAsync(new Uri("api/v1/export?match[]=" + Uri.EscapeDataString(selector), UriKind.Relative)).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"victoria-metrics answered {(int)response.StatusCode} to export '{selector}': {body}");
        }

        var series = new List<VictoriaMetricsSeries>();
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var labels = root.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var values = root.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var timestamps = root.GetProperty("timestamps").EnumerateArray().Select(t => t.GetInt64()).ToArray();
            series.Add(new VictoriaMetricsSeries(labels, values, timestamps));
        }

        return series;
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
}

/// <summary>One exported series: its labels (<c>__name__</c> included) and its samples (timestamps in milliseconds).</summary>
public sealed record VictoriaMetricsSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<double> Values, IReadOnlyList<long> TimestampsMilliseconds);
