using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MedIoT.Hosting;

/// <summary>
/// <c>GET /metrics</c>: a service's <see cref="System.Diagnostics.Metrics"/> meters in the Prometheus text exposition
/// format 0.0.4, through OpenTelemetry's Prometheus exporter (docs/metrics.md lists every metric; docs/dependencies.md
/// says why this exporter). Counters keep their type (<c>_total</c>), histograms their buckets, units become name
/// suffixes (<c>s</c> → <c>_seconds</c>), tags become labels and every series carries <c>otel_scope_name</c>, the meter.
/// </summary>
public static class PrometheusMetrics
{
    /// <summary>The path of the scrape endpoint.</summary>
    public const string Path = "/metrics";

    /// <summary>
    /// The most label combinations one metric keeps (OpenTelemetry SDK specification, "Cardinality limits"). Our labels
    /// are closed sets (rejection reasons, protocol errors, a gateway's serial ports), far below it. The SDK's default
    /// of 2,000 reserves that many points for every instrument up front: about 10 MB in the gateway, which took its peak
    /// memory over the 150 MB budget (docs/benchmarks/ingest.md).
    /// </summary>
    public const int MaximumSeriesPerMetric = 100;

    /// <summary>The name under which OpenTelemetry registers its metrics listener with Microsoft.Extensions.Diagnostics.</summary>
    private const string ListenerName = "OpenTelemetry";

    /// <summary>
    /// Collects the meters for <see cref="MapPrometheusMetrics"/>. <paramref name="hostMeters"/> are created by this host's
    /// <see cref="System.Diagnostics.Metrics.IMeterFactory"/> and exported for this host only, so two services in one process
    /// (tests) never show each other's counts; <paramref name="processMeters"/> are static meters of libraries (the MQTT
    /// client's), whose counts belong to the whole process. <paramref name="serviceName"/> is the <c>service_name</c> label
    /// of <c>target_info</c>.
    /// </summary>
    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services, string serviceName,
        IReadOnlyCollection<string> hostMeters, IReadOnlyCollection<string> processMeters)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentNullException.ThrowIfNull(hostMeters);
        ArgumentNullException.ThrowIfNull(processMeters);
        services.AddMetrics(metrics =>
        {
            foreach (var meter in hostMeters)
            {
                metrics.EnableMetrics(meter, instrumentName: null, ListenerName, MeterScope.Local);
            }

            foreach (var meter in processMeters)
            {
                metrics.EnableMetrics(meter, instrumentName: null, ListenerName, MeterScope.Global);
            }
        });
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, autoGenerateServiceInstanceId: false))
            // Each scrape reads the counters afresh: a cached page would show counts older than /health's.
            .WithMetrics(metrics => metrics
                .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MaximumSeriesPerMetric })
                .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary>
    /// Maps <c>GET /metrics</c> on <paramref name="endpoints"/>, serving the meters collected in <paramref name="services"/>
    /// (the provider of the host that called <see cref="AddPrometheusMetrics"/>; the gateway's HTTP surface is a web
    /// application of its own).
    /// </summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(services);
        var meterProvider = services.GetService<MeterProvider>()
            ?? throw new InvalidOperationException("GET /metrics needs the meters collected first: call services.AddPrometheusMetrics(...) when building the host.");
        return endpoints.MapPrometheusScrapingEndpoint(Path, meterProvider, configureBranchedPipeline: null, optionsName: null);
    }
}
