using System.Text.Json;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Anchoring;

/// <summary>
/// Acceptance (issue 8): a gateway cut off from the ledger for a while anchors its backlog when it comes back, and
/// nothing is missing from its proofs. A real gateway process (real mosquitto and influxd) anchors into the real
/// <c>mediot-ledger</c> process cosigned by two real <c>mediot-witness</c> processes (policy: both); the ledger process
/// is stopped while devices keep publishing (every frame is still acknowledged and every checkpoint signed), started
/// again on the same database, and then every checkpoint in checkpoints.notes has a receipt that verifies with both
/// cosignatures, and a bundle for a reading journaled during the outage verifies offline. A gateway restart afterwards
/// resumes from its persisted state.
/// </summary>
public sealed class GatewayAnchoringTests
{
    private const int Beds = 2;
    private const int Required = 2;

    [Fact]
    public async Task A_gateway_cut_off_from_the_ledger_anchors_its_backlog_when_it_comes_back_and_nothing_is_missing_from_its_proofs()
    {
        using var folder = TemporaryDirectory.Create("ledger-outage");
        await using var ledger = new LedgerServiceProcess(folder.Combine("ledger")) { RequiredCosignatures = Required };
        await using var w1 = await WitnessProcess.StartAsync(folder.Combine("w1"), "w1.witness.example", ledger.VerifierKey);
        await using var w2 = await WitnessProcess.StartAsync(folder.Combine("w2"), "w2.witness.example", ledger.VerifierKey);
        ledger.AddWitness(w1);
        ledger.AddWitness(w2);
        await using var ward = await GatewayWards.ChildProcess(Beds, "gw-outage").StartAsync();
        AnchoredWards.Configure(ward, ledger);
        await ledger.StartAsync();
        await ward.StartGatewayAsync();

        var published = await AnchoredWards.PublishAsync(ward, 3);
        await AnchoredWards.WaitForCheckpointAsync(ward, published);
        var before = await AnchoredWards.WaitForAnchoredAsync(ward, ledger);

        // The ledger goes away; the gateway keeps ingesting and signing checkpoints.
        await ledger.StopAsync();
        published += await AnchoredWards.PublishAsync(ward, 4);
        await AnchoredWards.WaitForCheckpointAsync(ward, published);
        published += await AnchoredWards.PublishAsync(ward, 4);
        await AnchoredWards.WaitForCheckpointAsync(ward, published);
        Assert.Equal(Beds * 11, published); // every frame acknowledged while the ledger was down
        await ward.WaitForAsync(async () => (await ward.GetHealthAsync()).GetProperty("anchoring").GetProperty("unanchoredCheckpoints").GetInt32() >= 2,
            "the backlog of unanchored checkpoints in /health");
        var anchoring = (await ward.GetHealthAsync()).GetProperty("anchoring");
        Assert.Equal(before[^1], anchoring.GetProperty("anchoredSize").GetInt64());
        Assert.True(anchoring.GetProperty("unavailable").GetInt64() >= 1, anchoring.ToString());
        Assert.StartsWith("the ledger is unavailable", anchoring.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Number, anchoring.GetProperty("oldestUnanchoredSeconds").ValueKind);
        var duringOutage = AnchoredWards.Sizes(ward).Where(s => s > before[^1]).ToArray();
        Assert.True(duringOutage.Length >= 2, $"expected at least two checkpoints signed during the outage, got {duringOutage.Length}");

        // The ledger comes back on the same database: the backlog is anchored, every checkpoint has a cosigned receipt.
        await ledger.StartAsync();
        var all = await AnchoredWards.WaitForAnchoredAsync(ward, ledger);
        Assert.Equal(before, all.Take(before.Count));
        AnchoredWards.AssertEveryCheckpointHasAVerifyingReceipt(ward, ledger, all, [w1.Key, w2.Key], Required);
        var health = await ledger.HealthAsync();
        Assert.Equal(0, health.GetProperty("forks").GetInt64());

        // Bundles for readings journaled during the outage (the first and the last entry of the backlog) verify offline.
        foreach (var index in new[] { before[^1], duringOutage[^1] - 1 })
        {
            var bundle = await AnchoredWards.BundleAsync(ward, index, folder.Path);
            var verified = await AnchoredWards.VerifyAsync(ward, bundle, ledger, [w1, w2], Required);
            Assert.True(verified.ExitCode == 0, verified.Describe());
            Assert.Contains($"cosigned by {Required} trusted witness(es) ({Required} required)", verified.Output, StringComparison.Ordinal);
        }

        // A restarted gateway resumes from its persisted state: nothing is submitted again from size 0 (the ledger would
        // count an old-size mismatch), and what it signs from now on is anchored too.
        await ward.Gateway!.StopAsync();
        await ward.StartGatewayAsync();
        published += await AnchoredWards.PublishAsync(ward, 3);
        await AnchoredWards.WaitForCheckpointAsync(ward, published);
        var after = await AnchoredWards.WaitForAnchoredAsync(ward, ledger);
        Assert.True(after[^1] > all[^1]);
        AnchoredWards.AssertEveryCheckpointHasAVerifyingReceipt(ward, ledger, after, [w1.Key, w2.Key], Required);
        var rejections = (await ledger.HealthAsync()).GetProperty("rejections");
        Assert.False(rejections.TryGetProperty("old-size-mismatch", out var mismatches) && mismatches.GetInt64() > 0, rejections.ToString());
    }
}
