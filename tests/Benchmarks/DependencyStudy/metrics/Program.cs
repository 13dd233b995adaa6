using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using Prometheus;

// Two Prometheus exporters for System.Diagnostics.Metrics meters, side by side: OpenTelemetry.Exporter.Prometheus.AspNetCore
// 1.20.1-beta.1 (on OpenTelemetry 1.21.0) and prometheus-net.AspNetCore 8.2.1 (its MeterAdapter). Each exports the same
// instruments, one of every kind the services use, with known values; the page is checked by promtool and parsed by
// prometheus_client (Debian's prometheus and python3-prometheus-client). Servers listen on 127.0.0.1 only.
// Usage: MetricsStudy <export|scope|expiry|alloc> <otel|pnet>
var command = args.Length > 0 ? args[0] : "help";
var library = args.Length > 1 ? args[1] : "otel";
Console.WriteLine($"# {command} {library}  loadavg {File.ReadAllText("/proc/loadavg").Trim()}");
switch (command)
{
    case "export": await Study.ExportAsync(library); break;
    case "scope": await Study.ScopeAsync(library); break;
    case "expiry": await Study.ExpiryAsync(library); break;
    case "alloc": await Study.AllocationsAsync(library); break;
    default: Console.WriteLine("commands: export|scope|expiry|alloc otel|pnet"); break;
}

Console.WriteLine($"# end loadavg {File.ReadAllText("/proc/loadavg").Trim()}");

/// <summary>One instrument of every kind, on a meter from the host's IMeterFactory, plus a counter on a static meter.</summary>
internal sealed class StudyInstruments
{
    public const string MeterName = "Study";
    public const string StaticMeterName = "Study.Static";
    private static readonly Meter s_static = new(StaticMeterName);
    public static readonly Counter<long> StaticReconnects = s_static.CreateCounter<long>("study.mqtt.reconnects", "{connection}", "A counter on a static meter.");

    public StudyInstruments(IMeterFactory factory)
    {
        var meter = factory.Create(MeterName);
        Rejected = meter.CreateCounter<long>("study.frames.rejected", "{frame}", "Counter<long> with a reason tag.");
        Depth = meter.CreateUpDownCounter<long>("study.queue.depth", "{frame}", "UpDownCounter<long>.");
        Latency = meter.CreateHistogram<double>("study.receive_to_durable", "ms", "Histogram<double> in milliseconds.");
        meter.CreateObservableCounter("study.observations.stored", () => Stored, "{observation}", "ObservableCounter<long>.");
        meter.CreateObservableGauge("study.influx.position", () => Position, "{entry}", "ObservableGauge<long>.");
        meter.CreateObservableUpDownCounter("study.unanchored", () => Unanchored, "{checkpoint}", "ObservableUpDownCounter<int>.");
    }

    public Counter<long> Rejected { get; }
    public UpDownCounter<long> Depth { get; }
    public Histogram<double> Latency { get; }
    public long Stored { get; set; }
    public long Position { get; set; }
    public int Unanchored { get; set; }

    /// <summary>The known values every export must show.</summary>
    public void RecordKnownValues()
    {
        Rejected.Add(3, new KeyValuePair<string, object?>("reason", "BadSignature"));
        Rejected.Add(2, new KeyValuePair<string, object?>("reason", "ReplayedSequence"));
        Depth.Add(5);
        Depth.Add(-2);
        Latency.Record(1);
        Latency.Record(3);
        Latency.Record(700);
        Stored = 42;
        Position = 17;
        Unanchored = 4;
        StaticReconnects.Add(1);
    }
}

/// <summary>A Kestrel app on a free loopback port with the study's instruments and one exporter at /metrics.</summary>
internal sealed class StudyApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IDisposable? _adapter;

    private StudyApp(WebApplication app, IDisposable? adapter, StudyInstruments instruments, Uri url)
    {
        _app = app;
        _adapter = adapter;
        Instruments = instruments;
        Url = url;
    }

    public StudyInstruments Instruments { get; }
    public Uri Url { get; }

    /// <summary>
    /// otel: OpenTelemetry, meters chosen by name (AddMeter) or, with <paramref name="scoped"/>, through
    /// Microsoft.Extensions.Diagnostics rules limited to this host's IMeterFactory (MeterScope.Local).
    /// pnet: prometheus-net's MeterAdapter on a registry of this app, filtered to this host's IMeterFactory with <paramref name="scoped"/>.
    /// </summary>
    public static async Task<StudyApp> StartAsync(string library, bool scoped, TimeSpan? prometheusNetExpiry = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddRoutingCore();
        builder.Services.AddMetrics();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (library == "otel")
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
            {
                if (!scoped)
                {
                    metrics.AddMeter(StudyInstruments.MeterName, StudyInstruments.StaticMeterName);
                }

                metrics.AddPrometheusExporter();
            });
            if (scoped)
            {
                builder.Metrics.EnableMetrics(StudyInstruments.MeterName, null, "OpenTelemetry", MeterScope.Local);
                builder.Metrics.EnableMetrics(StudyInstruments.StaticMeterName, null, "OpenTelemetry", MeterScope.Global);
            }
        }

        var app = builder.Build();
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        var instruments = new StudyInstruments(factory);
        IDisposable? adapter = null;
        app.UseRouting();
        app.MapGet("/ping", () => "pong");
        if (library == "otel")
        {
            app.MapPrometheusScrapingEndpoint("/metrics");
        }
        else
        {
            var registry = Metrics.NewCustomRegistry();
            adapter = MeterAdapter.StartListening(new MeterAdapterOptions
            {
                Registry = registry,
                // MetricFactory defaults to Metrics.DefaultFactory, which would ignore Registry.
                MetricFactory = Metrics.WithCustomRegistry(registry),
                MetricsExpireAfter = prometheusNetExpiry ?? TimeSpan.FromMinutes(5),
                InstrumentFilterPredicate = instrument => instrument.Meter.Name == StudyInstruments.StaticMeterName
                    || (instrument.Meter.Name == StudyInstruments.MeterName && (!scoped || instrument.Meter.Scope == factory)),
            });
            app.MapMetrics("/metrics", registry);
        }

        await app.StartAsync();
        return new StudyApp(app, adapter, instruments, new Uri(app.Urls.First()));
    }

    public async ValueTask DisposeAsync()
    {
        _adapter?.Dispose();
        await _app.DisposeAsync();
    }
}

internal static class Study
{
    private static readonly HttpClient s_http = new();

    public static async Task ExportAsync(string library)
    {
        await using var app = await StudyApp.StartAsync(library, scoped: true);
        app.Instruments.RecordKnownValues();
        using var response = await s_http.GetAsync(new Uri(app.Url, "/metrics"));
        var text = await response.Content.ReadAsStringAsync();
        Console.WriteLine($"HTTP {(int)response.StatusCode} Content-Type: {response.Content.Headers.ContentType}");
        Console.WriteLine("---- page ----");
        Console.Write(text);
        Console.WriteLine("---- promtool check metrics ----");
        Console.WriteLine(Run("/usr/bin/promtool", ["check", "metrics"], text));
        Console.WriteLine("---- prometheus_client.parser ----");
        Console.WriteLine(Run("/usr/bin/python3", ["-c", """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(sys.stdin.read()):
                for sample in family.samples:
                    print(family.type, family.name, sample.name, sorted(sample.labels.items()), sample.value)
            """], text));
    }

    public static async Task ScopeAsync(string library)
    {
        foreach (var scoped in new[] { false, true })
        {
            await using var first = await StudyApp.StartAsync(library, scoped);
            await using var second = await StudyApp.StartAsync(library, scoped);
            first.Instruments.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "BadSignature"));
            second.Instruments.Rejected.Add(2, new KeyValuePair<string, object?>("reason", "BadSignature"));
            Console.WriteLine($"scoped={scoped}: host A recorded 1, host B recorded 2; A's page: {await RejectedLineAsync(first)}; B's page: {await RejectedLineAsync(second)}");
        }
    }

    public static async Task ExpiryAsync(string library)
    {
        await using var app = await StudyApp.StartAsync(library, scoped: true, prometheusNetExpiry: TimeSpan.FromSeconds(2));
        app.Instruments.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "BadSignature"));
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"at 0 s: {await RejectedLineAsync(app)} (prometheus-net expiry set to 2 s for this run; its default is 5 min)");
        // Poll (bounded: 15 s) for the series to disappear, once a quarter second.
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(250);
            var line = await RejectedLineAsync(app);
            if (line == "(absent)")
            {
                Console.WriteLine($"at {clock.Elapsed.TotalSeconds:0.0} s: the series is gone from the page although nothing reset the counter");
                return;
            }
        }

        Console.WriteLine($"at {clock.Elapsed.TotalSeconds:0.0} s: still there: {await RejectedLineAsync(app)}");
    }

    public static async Task AllocationsAsync(string library)
    {
        await using var app = await StudyApp.StartAsync(library, scoped: true);
        app.Instruments.RecordKnownValues();
        var tag = new KeyValuePair<string, object?>("reason", "BadSignature");
        for (var i = 0; i < 10_000; i++)
        {
            app.Instruments.Rejected.Add(1, tag);
            app.Instruments.Latency.Record(i % 1000);
        }

        const int Measurements = 1_000_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Measurements; i++)
        {
            app.Instruments.Rejected.Add(1, tag);
        }

        var addNs = clock.Elapsed.TotalNanoseconds / Measurements;
        var addBytes = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Measurements;
        before = GC.GetAllocatedBytesForCurrentThread();
        clock.Restart();
        for (var i = 0; i < Measurements; i++)
        {
            app.Instruments.Latency.Record(i % 1000);
        }

        var recordNs = clock.Elapsed.TotalNanoseconds / Measurements;
        var recordBytes = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Measurements;
        Console.WriteLine($"Counter<long>.Add with one tag: {addBytes:0.0} B and {addNs:0} ns per call; Histogram<double>.Record: {recordBytes:0.0} B and {recordNs:0} ns per call");

        const int Scrapes = 300;
        var ping = await PerRequestAsync(new Uri(app.Url, "/ping"), Scrapes);
        var scrape = await PerRequestAsync(new Uri(app.Url, "/metrics"), Scrapes);
        using var response = await s_http.GetAsync(new Uri(app.Url, "/metrics"));
        var size = (await response.Content.ReadAsByteArrayAsync()).Length;
        Console.WriteLine($"GET /ping: {ping.Bytes:0} B and {ping.Microseconds:0} µs per request (client and server); GET /metrics ({size} B page): {scrape.Bytes:0} B and {scrape.Microseconds:0} µs per request; the exporter's share: about {scrape.Bytes - ping.Bytes:0} B per scrape");
    }

    private static async Task<(double Bytes, double Microseconds)> PerRequestAsync(Uri url, int count)
    {
        for (var i = 0; i < 20; i++)
        {
            await s_http.GetStringAsync(url);
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await s_http.GetStringAsync(url);
        }

        return ((GC.GetTotalAllocatedBytes(precise: true) - before) / (double)count, clock.Elapsed.TotalMicroseconds / count);
    }

    private static async Task<string> RejectedLineAsync(StudyApp app)
    {
        var text = await s_http.GetStringAsync(new Uri(app.Url, "/metrics"));
        var line = text.Split('\n').FirstOrDefault(l => Regex.IsMatch(l, "^study_frames_rejected|^study_study_frames_rejected") && l.Contains("BadSignature"));
        return line ?? "(absent)";
    }

    private static string Run(string program, string[] arguments, string input)
    {
        if (!File.Exists(program))
        {
            return $"{program} is missing: apt-get install prometheus python3-prometheus-client (configs/install.sh)";
        }

        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            return $"{program} did not finish within 30 s";
        }

        return $"exit code {process.ExitCode}\n{output.Result}{errors.Result}";
    }
}
