using System.Diagnostics.Metrics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Service.Tests.Support;
using MedIoT.Mqtt;
using MedIoT.Testing;
using MedIoT.Testing.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace MedIoT.Ledger.Service.Tests.Hosting;

/// <summary>
/// <c>GET /metrics</c> of mediot-ledger (docs/metrics.md) with real witnesses (<c>mediot-witness</c> child processes, whose
/// own pages are read too) and a real broker for fork alarms; every page checked by promtool and read by the
/// prometheus_client parser.
/// </summary>
public sealed class LedgerMetricsTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Metrics_show_anchoring_rejections_forks_witnesses_and_alarms_as_health_does_and_as_the_document_lists_them()
    {
        using var folder = TemporaryDirectory.Create("ledger-metrics");
        using var gateway = new FakeGateway("mediot.example/ward1/gw");
        TestLedger.WriteRegistry(folder.Path, [gateway]);
        var settings = TestLedger.Settings(folder.Path);
        var ledgerKey = await TestLedger.CreateKeyAsync(settings);
        await using var broker = await MosquittoServer.StartAsync(access: MosquittoAccess.Shipped);
        var (honestWitness, refusingWitness) = await TestLedger.StartHonestAndRefusingWitnessesAsync(folder.Path, settings, ledgerKey);
        await using var honest = honestWitness;
        await using var refusing = refusingWitness;
        await TestLedger.UseAlarmBrokerAsync(settings, folder.Path, broker);
        await using var ledger = await TestLedger.StartAsync(settings);

        await ledger.AnchorAsync(gateway, gateway.Grow(2), [honest.Key, refusing.Key], required: 1);
        await ledger.AnchorAsync(gateway, gateway.Grow(3), [honest.Key, refusing.Key], required: 1);
        using (var stranger = new FakeGateway("mediot.example/unknown/gw9"))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await ledger.PostAsync(stranger.RequestFor(stranger.Grow(1)))).Status);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await ledger.PostAsync("garbage")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ledger.PostAsync("old 0\n\nnot a note")).Status);
        // The gateway's key signs another root for the anchored size: a fork, alarmed on the IT channel.
        var forged = gateway.Sign(gateway.AnchoredSize, RandomNumberGenerator.GetBytes(32));
        Assert.Equal(HttpStatusCode.Conflict, (await ledger.PostAsync(new AddCheckpointRequest(gateway.AnchoredSize, [], forged).Format())).Status);
        await WaitForAsync(async () => (await HealthAsync(ledger)).GetProperty("alarmsPublished").GetInt64() == 1, "the fork alarm to be published");

        // The witness counts change in the background (the refusing witness is asked again), so they are held between two readings of /health.
        var before = await HealthAsync(ledger);
        var page = await PrometheusPage.ReadAsync(ledger.Http, new Uri(ledger.Url, "metrics"));
        var after = await HealthAsync(ledger);

        Assert.Equal(2, page.Value("mediot_ledger_anchored_total", (MetricsDocument.ScopeLabel, LedgerStatistics.MeterName)));
        Assert.Equal(1, page.Value("mediot_ledger_forks_total"));
        Assert.Equal(1, page.Value("mediot_ledger_alarms_published_total"));
        var rejections = after.GetProperty("rejections").EnumerateObject().ToDictionary(reason => reason.Name, reason => reason.Value.GetInt64());
        Assert.Equal(1, rejections["unknown-origin"]);
        Assert.Equal(2, rejections["malformed"]);
        Assert.Equal(rejections.Keys.Order(StringComparer.Ordinal),
            page.Samples.Where(sample => sample.Name == "mediot_ledger_rejected_total").Select(sample => sample.Labels["reason"]).Order(StringComparer.Ordinal));
        foreach (var (reason, count) in rejections)
        {
            Assert.Equal(count, page.Value("mediot_ledger_rejected_total", ("reason", reason)));
        }

        AssertBetween(before, after, "cosignatures", page.Value("mediot_ledger_cosignatures_total", ("witness", honest.Name)));
        Assert.False(page.Has("mediot_ledger_cosignatures_total", ("witness", refusing.Name)));
        AssertBetween(before, after, "witnessFailures", page.Value("mediot_ledger_witness_failures_total", ("witness", refusing.Name)));
        AssertBetween(before, after, "batches", page.Value("mediot_ledger_batch_size_count"));
        Assert.Equal(page.Value("mediot_ledger_batch_size_count"), page.Value("mediot_ledger_batch_size_bucket", ("le", "+Inf")));
        Assert.Equal(1, page.Value("target_info", ("service_name", "mediot-ledger")));

        RuntimeHelpers.RunClassConstructor(typeof(MqttMetrics).TypeHandle);
        var instruments = MetricsDocument.Instruments(ledger.Services.GetRequiredService<IMeterFactory>(), [LedgerStatistics.MeterName], [MqttMetrics.MeterName]);
        MetricsDocument.AssertMatches("mediot-ledger", MetricsDocument.Read("mediot-ledger", MetricsDocument.MqttClientSection), instruments, page);

        // The witnesses are real mediot-witness processes: their pages too are what Prometheus reads.
        var honestPage = await PrometheusPage.ReadAsync(ledger.Http, new Uri(honest.Url, "metrics"));
        Assert.InRange(honestPage.Value("mediot_witness_cosigned_total", (MetricsDocument.ScopeLabel, "MedIoT.Ledger.Witness")), 1, after.GetProperty("cosignatures").GetInt64());
        Assert.Equal(1, honestPage.Value("target_info", ("service_name", "mediot-witness")));
        var refusingPage = await PrometheusPage.ReadAsync(ledger.Http, new Uri(refusing.Url, "metrics"));
        Assert.True(refusingPage.Value("mediot_witness_rejected_total", ("reason", "bad_signature")) >= 1, refusingPage.Text);
        Assert.False(refusingPage.Has("mediot_witness_cosigned_total"), refusingPage.Text);
    }

    [Fact]
    public async Task With_metrics_switched_off_there_is_no_metrics_route_and_health_still_answers()
    {
        using var folder = TemporaryDirectory.Create("ledger-metrics");
        using var gateway = new FakeGateway("mediot.example/ward1/gw");
        TestLedger.WriteRegistry(folder.Path, [gateway]);
        var settings = TestLedger.Settings(folder.Path);
        settings["Ledger:MetricsEnabled"] = "false";
        await using var ledger = await TestLedger.StartAsync(settings);

        await ledger.AnchorAsync(gateway, gateway.Grow(1));

        Assert.Equal(HttpStatusCode.NotFound, (await ledger.GetAsync("metrics")).Status);
        Assert.Equal(1, (await HealthAsync(ledger)).GetProperty("anchored").GetInt64());
    }

    private static async Task<JsonElement> HealthAsync(TestLedger ledger)
    {
        var (status, body) = await ledger.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }

    /// <summary>A count read from /metrics between two readings of /health: at least the first, at most the second, and not 0.</summary>
    private static void AssertBetween(JsonElement before, JsonElement after, string property, double value)
    {
        Assert.InRange(value, Math.Max(1, before.GetProperty(property).GetInt64()), after.GetProperty(property).GetInt64());
    }

    /// <summary>Re-checks <paramref name="condition"/> every 50 ms until it holds, for at most 30 s.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var deadline = TimeProvider.System.GetTimestamp() + (long)(s_timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"Waited {s_timeout.TotalSeconds:0} s for {what}.");
            await timer.WaitForNextTickAsync();
        }
    }
}
