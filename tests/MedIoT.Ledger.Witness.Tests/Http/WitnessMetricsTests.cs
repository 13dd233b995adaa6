using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Witness.Configuration;
using MedIoT.Ledger.Witness.Cosigning;
using MedIoT.Ledger.Witness.Tests.Support;
using MedIoT.Testing;
using MedIoT.Testing.Metrics;

namespace MedIoT.Ledger.Witness.Tests.Http;

/// <summary>
/// <c>GET /metrics</c> of the witness host (docs/metrics.md) after one request of every outcome, each page checked by
/// promtool and read by the prometheus_client parser. (The ledger's metrics tests read the pages of mediot-witness child processes.)
/// </summary>
public sealed class WitnessMetricsTests : IDisposable
{
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("witness-metrics");
    private readonly TestLog _log;

    public WitnessMetricsTests() => _log = TestLog.Create(_folder.Combine("log"), 200);

    [Fact]
    public async Task Metrics_count_cosignatures_evidence_and_every_rejection_reason_as_the_document_lists_them()
    {
        using var fork = TestLog.Create(_folder.Combine("fork"), 200, TestLog.CopyKey(_log.Key), forkFrom: 70);
        using var other = TestLog.Create(_folder.Combine("other"), 5, origin: "mediot.example/other");
        using var second = TestLog.Create(_folder.Combine("second"), 5, origin: "mediot.example/ledger-b");
        using var impostorKey = Ed25519PrivateKey.Generate();
        var settings = InProcessWitness.Settings(_folder.Combine("witness"), _log.VerifierKey, second.VerifierKey);
        settings.MaximumEvidenceFiles = 1;
        settings.MaximumRequestBodyBytes = 4096;
        await using var witness = await InProcessWitness.StartAsync(settings);

        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(0, 100))).Status);
        var expected = new Dictionary<WitnessRejection, HttpStatusCode>
        {
            [WitnessRejection.StaleOldSize] = (await witness.PostAsync(_log.Request(0, 120))).Status,
            [WitnessRejection.MalformedBody] = (await witness.PostAsync("garbage")).Status,
            [WitnessRejection.UnknownOrigin] = (await witness.PostAsync(other.Request(0, 5))).Status,
            [WitnessRejection.BadSignature] = (await witness.PostAsync(
                new AddCheckpointRequest(0, [], SignedNote.Sign(_log.CheckpointText(120), _log.Origin, impostorKey)).Format())).Status,
            [WitnessRejection.OldSizeAboveCheckpoint] = (await witness.PostAsync(new AddCheckpointRequest(121, [], _log.SignedCheckpoint(120)).Format())).Status,
            [WitnessRejection.ProofFromEmptyTree] = (await witness.PostAsync(
                new AddCheckpointRequest(0, _log.ConsistencyProof(100, 120), _log.SignedCheckpoint(120)).Format())).Status,
            // Kept as evidence; the next fork finds the evidence folder full (MaximumEvidenceFiles = 1).
            [WitnessRejection.InconsistentProof] = (await witness.PostAsync(fork.Request(100, 200))).Status,
            [WitnessRejection.SameSizeDifferentRoot] = (await witness.PostAsync(new AddCheckpointRequest(100, [], fork.SignedCheckpoint(100)).Format())).Status,
            [WitnessRejection.BodyTooLarge] = await PostTooLargeAsync(witness),
            // The second trusted log's key, under its own name, signs a checkpoint of _log's origin.
            [WitnessRejection.WrongOrigin] = (await witness.PostAsync(new AddCheckpointRequest(0, [],
                SignedNote.Sign(new Checkpoint(_log.Origin, 5, second.Root(5)).FormatBody(), second.Origin, second.Key)).Format())).Status,
        };
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(100, 120))).Status);

        Assert.Equal(Enum.GetValues<WitnessRejection>().Where(reason => reason != WitnessRejection.None).Order(), expected.Keys.Order());
        Assert.DoesNotContain(HttpStatusCode.OK, expected.Values);
        var page = await PrometheusPage.ReadAsync(witness.Client, new Uri(witness.Server.Address, "metrics"));

        Assert.Equal(2, page.Value("mediot_witness_cosigned_total", (MetricsDocument.ScopeLabel, WitnessMetrics.MeterName)));
        foreach (var reason in expected.Keys)
        {
            Assert.Equal(1, witness.Server.Metrics.Rejections[reason]);
            Assert.Equal(1, page.Value("mediot_witness_rejected_total", ("reason", WitnessMetrics.ReasonTag(reason))));
        }

        Assert.Equal(expected.Count, page.Samples.Count(sample => sample.Name == "mediot_witness_rejected_total"));
        Assert.Equal(1, page.Value("mediot_witness_evidence_kept_total"));
        Assert.Equal(1, page.Value("mediot_witness_evidence_dropped_total"));
        Assert.Equal(1, page.Value("target_info", ("service_name", "mediot-witness")));

        var meterFactory = Assert.IsAssignableFrom<IMeterFactory>(witness.Server.Metrics.Meter.Scope);
        var instruments = MetricsDocument.Instruments(meterFactory, [WitnessMetrics.MeterName], []);
        MetricsDocument.AssertMatches("mediot-witness", MetricsDocument.Read("mediot-witness"), instruments, page);
        witness.Logs.AssertNoErrors(WitnessLogEvents.Inconsistent, WitnessLogEvents.EvidenceFolderFull);
    }

    [Fact]
    public async Task Two_witnesses_in_one_process_each_show_only_their_own_counts()
    {
        await using var first = await InProcessWitness.StartAsync(Settings());
        await using var second = await InProcessWitness.StartAsync(InProcessWitness.Settings(_folder.Combine("second"), _log.VerifierKey));

        Assert.Equal(HttpStatusCode.OK, (await first.PostAsync(_log.Request(0, 10))).Status);
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsync(_log.Request(0, 10))).Status);
        Assert.Equal(HttpStatusCode.OK, (await second.PostAsync(_log.Request(10, 20))).Status);

        Assert.Equal(1, (await PrometheusPage.ReadAsync(first.Client, new Uri(first.Server.Address, "metrics"))).Value("mediot_witness_cosigned_total"));
        Assert.Equal(2, (await PrometheusPage.ReadAsync(second.Client, new Uri(second.Server.Address, "metrics"))).Value("mediot_witness_cosigned_total"));
    }

    [Fact]
    public async Task With_metrics_switched_off_there_is_no_metrics_route()
    {
        var settings = Settings();
        settings.MetricsEnabled = false;
        await using var witness = await InProcessWitness.StartAsync(settings);

        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(0, 10))).Status);

        using var response = await witness.Client.GetAsync(new Uri("metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(1, witness.Server.Metrics.Cosigned);
    }

    public void Dispose()
    {
        _log.Dispose();
        _folder.Dispose();
    }

    private WitnessOptions Settings() => InProcessWitness.Settings(_folder.Combine("witness"), _log.VerifierKey);

    /// <summary>A body over the 4,096-byte limit, declared up front (with Expect: 100-continue the client never sends it).</summary>
    private static async Task<HttpStatusCode> PostTooLargeAsync(InProcessWitness witness)
    {
        using var content = new StringContent("old 0\n\n" + new string('a', 5000), Encoding.UTF8);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("add-checkpoint", UriKind.Relative)) { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await witness.Client.SendAsync(request);
        return response.StatusCode;
    }
}
