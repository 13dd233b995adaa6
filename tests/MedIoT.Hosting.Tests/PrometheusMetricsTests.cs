using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MedIoT.Hosting.Tests;

public sealed class PrometheusMetricsTests
{
    private const string MeterName = "MedIoT.Hosting.Tests.Cardinality";

    /// <summary>
    /// A metric keeps at most <see cref="PrometheusMetrics.MaximumSeriesPerMetric"/> label combinations; later ones are
    /// summed in one overflow series (OpenTelemetry SDK specification, "Cardinality limits"), so a flood of distinct label
    /// values cannot grow the page or the memory without bound.
    /// </summary>
    [Fact]
    public async Task A_metric_keeps_at_most_the_maximum_series_and_sums_the_rest_in_one_overflow_series()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddPrometheusMetrics("cardinality-test", [MeterName], []);
        await using var app = builder.Build();
        app.MapPrometheusMetrics(app.Services);
        await app.StartAsync();

        using var meter = app.Services.GetRequiredService<IMeterFactory>().Create(MeterName);
        var counter = meter.CreateCounter<long>("mediot.test.labelled", "{event}");
        var distinct = PrometheusMetrics.MaximumSeriesPerMetric + 50;
        for (var value = 0; value < distinct; value++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("label", "value-" + value));
        }

        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var page = await http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        var series = page.Split('\n').Where(line => line.StartsWith("mediot_test_labelled_total{", StringComparison.Ordinal)).ToList();

        var overflow = Assert.Single(series, line => line.Contains("otel_metric_overflow=\"true\"", StringComparison.Ordinal));
        Assert.Equal(PrometheusMetrics.MaximumSeriesPerMetric, series.Count - 1);
        var counted = series.Sum(line => long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(distinct, counted);
        Assert.DoesNotContain("label=", overflow, StringComparison.Ordinal);
        await app.StopAsync();
    }
}
