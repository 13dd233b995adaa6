using MedIoT.Testing.Metrics;

namespace MedIoT.Ledger.Witness.Tests.Http;

/// <summary>
/// The tools every metrics test reads pages with (promtool and prometheus_client, <see cref="PrometheusPage"/>): they
/// read a well-formed page sample by sample and refuse a broken one, so a service serving a bad page fails its tests.
/// </summary>
public sealed class PrometheusPageTests
{
    [Fact]
    public async Task A_well_formed_page_is_read_into_its_families_and_samples()
    {
        const string Text = """
            # HELP mediot_witness_rejected_total Requests refused.
            # TYPE mediot_witness_rejected_total counter
            mediot_witness_rejected_total{otel_scope_name="MedIoT.Ledger.Witness",reason="bad_signature"} 2
            mediot_witness_rejected_total{otel_scope_name="MedIoT.Ledger.Witness",reason="stale_old_size"} 5
            # HELP mediot_latency_seconds Latency.
            # TYPE mediot_latency_seconds histogram
            mediot_latency_seconds_bucket{le="0.5"} 1
            mediot_latency_seconds_bucket{le="+Inf"} 3
            mediot_latency_seconds_sum 4.25
            mediot_latency_seconds_count 3

            """;

        var page = await PrometheusPage.ParseAsync(Text);

        Assert.Equal(["mediot_witness_rejected", "mediot_latency_seconds"], page.Families.Select(family => family.Name));
        Assert.Equal(["counter", "histogram"], page.Families.Select(family => family.Type));
        Assert.Equal(5, page.Value("mediot_witness_rejected_total", ("reason", "stale_old_size")));
        Assert.Equal(2, page.Value("mediot_witness_rejected_total", ("reason", "bad_signature"), ("otel_scope_name", "MedIoT.Ledger.Witness")));
        Assert.Equal(3, page.Value("mediot_latency_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(4.25, page.Value("mediot_latency_seconds_sum"));
        Assert.False(page.Has("mediot_witness_rejected_total", ("reason", "malformed_body")));
        Assert.Throws<InvalidDataException>(() => page.Value("mediot_witness_rejected_total"));
    }

    [Theory]
    [InlineData("# HELP mediot_x_total X.\n# TYPE mediot_x_total counter\nmediot_x_total{reason=\"a\" 1\n", "unexpected end of label value")]
    [InlineData("# HELP mediot_x X.\n# TYPE mediot_x gauge\nmediot_x 1.5x\n", "expected float as value")]
    [InlineData("# HELP mediot_x X.\n# TYPE mediot_x counter\nmediot_x 1\n", "counter metrics should have \"_total\" suffix")]
    [InlineData("# HELP mediot_x_milliseconds X.\n# TYPE mediot_x_milliseconds histogram\nmediot_x_milliseconds_bucket{le=\"+Inf\"} 1\n" +
        "mediot_x_milliseconds_sum 1\nmediot_x_milliseconds_count 1\n", "use base unit \"seconds\"")]
    [InlineData("# HELP mediot_x_total X.\n# TYPE mediot_x_total counter\nmediot_x_total 1\n# HELP mediot_x_total X.\n# TYPE mediot_x_total counter\nmediot_x_total 2\n",
        "second HELP line")]
    public async Task Promtool_refuses_a_broken_page_and_names_the_problem(string text, string problem)
    {
        // Each page has its help and type lines, as the well-formed page above, so it fails for its own problem only.
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => PrometheusPage.ParseAsync(text));
        Assert.Contains("promtool check metrics found problems", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
