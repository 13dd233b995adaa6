using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MedIoT.Gateway.LoadTest;

/// <summary>
/// Open stations during a load run (docs/benchmarks/station.md): N live-event connections to <c>GET /station/events</c>
/// with the stations' bearer token, each timing every <c>event: alarm</c> from its <c>publishedAt</c> (the gateway's
/// clock, the same machine's) to its receipt, and one client reading the overview (<c>GET /station/api/overview</c> and
/// the <c>/station</c> page) every 250 ms, recording the gateway's own time (<c>Server-Timing: app;dur=</c>) and the round trip.
/// </summary>
internal sealed class StationLoad : IAsyncDisposable
{
    /// <summary>The staff id of the stations' API token.</summary>
    public const string StaffId = "load.station";

    /// <summary>The stations' role: a nurse's, who sees the ward's care-team alarms.</summary>
    public const string Role = "nurse";

    /// <summary>How often the overview is read: far more often than a station's page does (once, and again after a reconnect).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan s_openTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The longest one overview or page read may take before the run fails.</summary>
    private static readonly TimeSpan s_requestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly CancellationTokenSource _closing = new();
    private readonly StationStream[] _streams;
    private readonly Task[] _reading;

    private StationLoad(HttpClient http, int stations)
    {
        _http = http;
        _streams = [.. Enumerable.Range(0, stations).Select(_ => new StationStream())];
        _reading = [.. _streams.Select(stream => stream.ReadAsync(http, _closing.Token))];
    }

    /// <summary>Opens <paramref name="stations"/> live-event connections and waits (bounded) until each has its stream's first line.</summary>
    /// <param name="http">The client for the gateway (its address, its certificate), disposed with this.</param>
    /// <param name="bearer">The stations' <c>Authorization: Bearer</c> header (RFC 6750 §2.1).</param>
    /// <param name="stations">How many stations connect.</param>
    public static async Task<StationLoad> ConnectAsync(HttpClient http, AuthenticationHeaderValue bearer, int stations)
    {
        ArgumentNullException.ThrowIfNull(http);
        // The live events are endless responses; every read is bounded by the run instead (DisposeAsync cancels them).
        http.Timeout = Timeout.InfiniteTimeSpan;
        http.DefaultRequestHeaders.Authorization = bearer;
        var load = new StationLoad(http, stations);
        try
        {
            await Task.WhenAll(load._streams.Select(stream => stream.Opened.Task)).WaitAsync(s_openTimeout);
            // One unmeasured read of each first: the first call's compilation and set-up are not what a station waits for.
            await load.TimeAsync("station/api/overview");
            await load.TimeAsync("station");
        }
        catch
        {
            await load.DisposeAsync();
            throw;
        }

        return load;
    }

    /// <summary>
    /// The measured window: reads the overview every <see cref="PollInterval"/> until <paramref name="window"/> has passed
    /// and then summarises the alarms every station received within it.
    /// </summary>
    public async Task<StationResult> MeasureAsync(TimeSpan window)
    {
        var start = TimeProvider.System.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var overview = new List<(double Server, double RoundTrip)>();
        var page = new List<(double Server, double RoundTrip)>();
        using (var timer = new PeriodicTimer(PollInterval))
        {
            // Bounded by the window (a slow answer makes the timer skip ticks; the last may end one request late).
            while (clock.Elapsed + PollInterval <= window && await timer.WaitForNextTickAsync())
            {
                overview.Add(await TimeAsync("station/api/overview"));
                page.Add(await TimeAsync("station"));
            }
        }

        if (window - clock.Elapsed is { Ticks: > 0 } rest)
        {
            await Task.Delay(rest);
        }

        var end = TimeProvider.System.GetUtcNow();
        if (_reading.FirstOrDefault(reading => reading.IsCompleted) is { } ended)
        {
            throw new InvalidOperationException($"A station's live events ended during the run: {ended.Exception?.GetBaseException().Message ?? "the gateway closed the stream"}");
        }

        var seconds = (end - start).TotalSeconds;
        return new StationResult(
            [.. _streams.Select(stream => LatencySummary.Of(stream.AlarmLatencies(start, end)))],
            _streams[0].AlarmLatencies(start, end).Count / seconds,
            _streams[0].BedEvents(start, end) / seconds,
            _streams.Sum(stream => stream.Resyncs),
            LatencySummary.Of(overview.Select(time => time.Server)),
            LatencySummary.Of(overview.Select(time => time.RoundTrip)),
            LatencySummary.Of(page.Select(time => time.Server)),
            LatencySummary.Of(page.Select(time => time.RoundTrip)));
    }

    /// <summary>One GET with its whole body: the gateway's <c>Server-Timing</c> app duration and the client's round trip, in milliseconds.</summary>
    private async Task<(double Server, double RoundTrip)> TimeAsync(string path)
    {
        using var bounded = new CancellationTokenSource(s_requestTimeout);
        var clock = Stopwatch.StartNew();
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseContentRead, bounded.Token);
        var roundTrip = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET /{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        // W3C Server Timing §3: metric;dur=milliseconds. The gateway writes one metric, "app".
        const string Duration = "app;dur=";
        var timing = response.Headers.TryGetValues("Server-Timing", out var values) ? values.FirstOrDefault(value => value.StartsWith(Duration, StringComparison.Ordinal)) : null;
        if (timing is null || !double.TryParse(timing.AsSpan(Duration.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var server))
        {
            throw new InvalidOperationException($"GET /{path} has no 'Server-Timing: {Duration}...' header (a gateway older than this harness?)");
        }

        return (server, roundTrip);
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        await Task.WhenAll(_reading.Select(reading => reading.ContinueWith(_ => { }, TaskScheduler.Default)));
        _closing.Dispose();
        _http.Dispose();
    }

    /// <summary>One station's live events: when each alarm and bed event arrived and, for alarms, how long after <c>publishedAt</c>.</summary>
    private sealed class StationStream
    {
        private readonly Lock _gate = new();
        private readonly List<(DateTimeOffset Received, double Milliseconds)> _alarms = [];
        private readonly List<DateTimeOffset> _beds = [];
        private int _resyncs;

        /// <summary>Completed when the stream's first line (<c>retry: 2000</c>) arrived: the gateway subscribed this station.</summary>
        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Resyncs => Volatile.Read(ref _resyncs);

        public List<double> AlarmLatencies(DateTimeOffset start, DateTimeOffset end)
        {
            lock (_gate)
            {
                return [.. _alarms.Where(alarm => alarm.Received >= start && alarm.Received < end).Select(alarm => alarm.Milliseconds)];
            }
        }

        public int BedEvents(DateTimeOffset start, DateTimeOffset end)
        {
            lock (_gate)
            {
                return _beds.Count(received => received >= start && received < end);
            }
        }

        /// <summary>Reads the stream (HTML Living Standard, "Server-sent events": lines, a blank line ends a message) until it ends or the run closes it.</summary>
        public async Task ReadAsync(HttpClient http, CancellationToken cancellationToken)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("station/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"GET /station/events answered {(int)response.StatusCode}");
                }

                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                string? kind = null;
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    var received = TimeProvider.System.GetUtcNow();
                    Opened.TrySetResult();
                    if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        kind = line["event: ".Length..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        Record(kind, line.AsMemory("data: ".Length), received);
                    }
                    else if (line.Length == 0)
                    {
                        kind = null;
                    }
                }

                Opened.TrySetException(new InvalidOperationException("GET /station/events ended before its first line"));
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                Opened.TrySetException(exception);
                throw;
            }
            catch (OperationCanceledException)
            {
                // The run is over.
            }
        }

        private void Record(string? kind, ReadOnlyMemory<char> data, DateTimeOffset received)
        {
            switch (kind)
            {
                case "alarm":
                    using (var document = JsonDocument.Parse(data))
                    {
                        var published = document.RootElement.GetProperty("publishedAt").GetDateTimeOffset();
                        lock (_gate)
                        {
                            _alarms.Add((received, (received - published).TotalMilliseconds));
                        }
                    }

                    break;
                case "bed":
                    lock (_gate)
                    {
                        _beds.Add(received);
                    }

                    break;
                case "resync":
                    Interlocked.Increment(ref _resyncs);
                    break;
            }
        }
    }
}
