using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text;
using MedIoT.FirmwareSim.Devices;
using MedIoT.Gateway.Anchoring;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Ingestion.Serial;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Tests.Integration;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Mqtt;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;
using MedIoT.Testing.Metrics;

namespace MedIoT.Gateway.Tests.Http;

/// <summary>
/// <c>GET /metrics</c> and the rejections of <c>GET /health</c> on the running gateway (docs/metrics.md, README "GET
/// /health"), with frames sent by a provisioned device through the real broker; each page checked by promtool and read
/// by the prometheus_client parser.
/// </summary>
public sealed class MetricsEndpointTests(GatewayFixture ward) : IClassFixture<GatewayFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private static readonly FrameRejectionReason[] s_reasons = [.. Enum.GetValues<FrameRejectionReason>().Where(reason => reason != FrameRejectionReason.None)];

    [Fact]
    public async Task Metrics_show_the_accepted_frames_and_each_rejection_under_its_reason_as_Prometheus_reads_them()
    {
        const int GoodFrames = 3;
        var statistics = ward.Statistics;
        var before = s_reasons.ToDictionary(reason => reason, statistics.Rejected);
        var acceptedBefore = statistics.Accepted;
        var storedBefore = statistics.ObservationsStored;
        var sent = new Dictionary<FrameRejectionReason, int>
        {
            [FrameRejectionReason.NotCompactJws] = 2,
            [FrameRejectionReason.Oversize] = 1,
            [FrameRejectionReason.BadSignature] = 1,
        };
        await using (var device = await ward.ConnectDeviceAsync(1))
        {
            var observations = 0;
            for (var i = 0; i < GoodFrames; i++)
            {
                observations += (await device.PublishNextAsync(CancellationToken.None)).Observations.Count;
            }

            await device.PublishRawAsync("not a token"u8.ToArray(), CancellationToken.None);
            await device.PublishRawAsync("{\"spo2\": 97}"u8.ToArray(), CancellationToken.None);
            await device.PublishRawAsync(new byte[20_000], CancellationToken.None);
            await device.PublishRawAsync(WithAlteredSignature(device), CancellationToken.None);
            await statistics.WaitUntilAsync(s => s.Accepted >= acceptedBefore + GoodFrames && s.ObservationsStored >= storedBefore + observations
                && sent.All(pair => s.Rejected(pair.Key) >= before[pair.Key] + pair.Value), s_timeout);
            await ward.JournalStatistics.WaitUntilAsync(s => s.Appended >= statistics.Accepted, s_timeout);
        }

        // The InfluxDB writer moves on in the background: its position is held between two readings around the scrape.
        var positionBefore = ward.JournalStatistics.WriterPosition;
        var page = await PrometheusPage.ReadAsync(ward.Http, new Uri(await ward.HttpAddress, "metrics"));
        var positionAfter = ward.JournalStatistics.WriterPosition;

        Assert.Equal(acceptedBefore + GoodFrames, page.Value("mediot_frames_accepted_total", (MetricsDocument.ScopeLabel, IngestionStatistics.MeterName)));
        foreach (var reason in s_reasons)
        {
            var expected = before[reason] + sent.GetValueOrDefault(reason);
            if (expected == 0)
            {
                Assert.False(page.Has("mediot_frames_rejected_total", ("reason", reason.ToString())), $"{reason} was never seen");
            }
            else
            {
                Assert.Equal(expected, page.Value("mediot_frames_rejected_total", ("reason", reason.ToString()), (MetricsDocument.ScopeLabel, IngestionStatistics.MeterName)));
            }
        }

        Assert.Equal(statistics.ObservationsStored, page.Value("mediot_observations_stored_total"));
        var appended = ward.JournalStatistics.Appended;
        Assert.Equal(appended, page.Value("mediot_journal_appended_total", (MetricsDocument.ScopeLabel, JournalStatistics.MeterName)));
        Assert.Equal(appended, page.Value("mediot_journal_receive_to_durable_seconds_count"));
        Assert.Equal(appended, page.Value("mediot_journal_receive_to_durable_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(0, page.Value("mediot_journal_receive_to_durable_seconds_bucket", ("le", "0.0005")), 0);
        Assert.InRange(page.Value("mediot_journal_receive_to_durable_seconds_sum"), 0, appended * 60.0);
        Assert.InRange(page.Value("mediot_influx_position"), positionBefore, positionAfter);
        ward.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Health_lists_every_rejection_reason_by_name_with_its_count()
    {
        var statistics = ward.Statistics;
        var notJws = statistics.Rejected(FrameRejectionReason.NotCompactJws);
        await using (var device = await ward.ConnectDeviceAsync(2))
        {
            await device.PublishRawAsync("no.token"u8.ToArray(), CancellationToken.None);
            await statistics.WaitUntilAsync(s => s.Rejected(FrameRejectionReason.NotCompactJws) > notJws, s_timeout);
        }

        var health = await ward.GetHealthAsync();

        var rejections = health.GetProperty("rejections");
        Assert.Equal(s_reasons.Select(reason => reason.ToString()), rejections.EnumerateObject().Select(member => member.Name));
        foreach (var reason in s_reasons)
        {
            Assert.Equal(statistics.Rejected(reason), rejections.GetProperty(reason.ToString()).GetInt64());
        }

        Assert.Equal(notJws + 1, rejections.GetProperty("NotCompactJws").GetInt64());
        Assert.Equal(statistics.RejectedTotal, health.GetProperty("framesRejected").GetInt64());
        Assert.Equal(s_reasons.Sum(reason => rejections.GetProperty(reason.ToString()).GetInt64()), health.GetProperty("framesRejected").GetInt64());
        ward.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task The_metrics_document_lists_every_metric_the_gateway_exports_with_its_type_unit_labels_and_meter()
    {
        // A rejection, so the page has a labelled series too; the serial statistics and the MQTT client's static meter
        // create their instruments when first used, which a ward without serial ports or broker trouble may never do.
        var rejected = ward.Statistics.RejectedTotal;
        await using (var device = await ward.ConnectDeviceAsync(3))
        {
            await device.PublishRawAsync("not a token"u8.ToArray(), CancellationToken.None);
            await ward.Statistics.WaitUntilAsync(s => s.RejectedTotal > rejected, s_timeout);
        }

        _ = ward.InProcess.Service<SerialStatistics>();
        RuntimeHelpers.RunClassConstructor(typeof(MqttMetrics).TypeHandle);
        var instruments = MetricsDocument.Instruments(ward.InProcess.Service<IMeterFactory>(),
            [IngestionStatistics.MeterName, JournalStatistics.MeterName, AnchoringStatus.MeterName], [MqttMetrics.MeterName]);
        var page = await PrometheusPage.ReadAsync(ward.Http, new Uri(await ward.HttpAddress, "metrics"));

        MetricsDocument.AssertMatches("mediot-gateway", MetricsDocument.Read("mediot-gateway", MetricsDocument.MqttClientSection), instruments, page);
    }

    /// <summary>The device's next token with one character of its signature changed: still well-formed, no longer valid.</summary>
    private static byte[] WithAlteredSignature(SimulatedDevice device)
    {
        var parts = Encoding.ASCII.GetString(device.SignNext(out _)).Split('.');
        var signature = parts[2].ToCharArray();
        signature[10] = signature[10] == 'A' ? 'B' : 'A';
        return Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}.{new string(signature)}");
    }
}
