using System.Text.Json;
using MedIoT.Gateway.Anchoring;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Tests.Integration;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Gateway.Tests.Anchoring;

/// <summary>
/// Acceptance (issue 8), gateway side: a real gateway process (real mosquitto and influxd) anchors every checkpoint it
/// signs in the <see cref="ReferenceLedger"/>; a ledger outage only grows the backlog (frames keep being acknowledged),
/// which is anchored in order when the ledger comes back; a restarted gateway resumes from its persisted state without
/// submitting anything again or skipping anything; and the audit's proof bundle verifies the full chain offline.
/// </summary>
public sealed class GatewayAnchoringTests
{
    private const int Beds = 2;

    private static async Task<ChildGatewayWard> StartWardAsync(ReferenceLedger ledger)
    {
        var ward = await ChildGatewayWard.StartAsync(Beds, []);
        ward.Settings["Gateway:Journal:CheckpointIntervalSeconds"] = "1";
        ward.Settings["Gateway:Anchoring:LedgerUrl"] = ledger.Url.ToString();
        ward.Settings["Gateway:Anchoring:LedgerKey"] = ledger.VerifierKey.ToString();
        ward.Settings["Gateway:Anchoring:PollIntervalMilliseconds"] = "100";
        ward.Settings["Gateway:Anchoring:RetryInitialDelayMilliseconds"] = "50";
        ward.Settings["Gateway:Anchoring:RetryMaximumDelayMilliseconds"] = "300";
        ward.Settings["Gateway:Anchoring:RequestTimeoutSeconds"] = "2";
        ledger.Register(ward.CheckpointKey()); // creates the identity the gateway then loads
        return ward;
    }

    private static async Task<int> PublishAsync(ChildGatewayWard ward, int framesPerDevice)
    {
        using var stop = new CancellationTokenSource(ChildGatewayWard.Timeout);
        var publishers = ward.Devices.Select(d => new ResilientPublisher(d, ward.Mosquitto.Host, ward.Mosquitto.Port)).ToArray();
        await Task.WhenAll(publishers.Select(p => p.RunAsync(framesPerDevice, TimeSpan.FromMilliseconds(2), stop.Token)));
        return publishers.Sum(p => p.Count);
    }

    /// <summary>Waits until a signed checkpoint covers <paramref name="entries"/> entries.</summary>
    private static Task WaitForCheckpointAsync(ChildGatewayWard ward, long entries) =>
        ward.WaitForAsync(() => Sizes(ward).LastOrDefault() >= entries, $"a checkpoint covering {entries} entries");

    private static Task WaitForAnchoredAsync(ChildGatewayWard ward) =>
        ward.WaitForAsync(async () =>
        {
            var anchoring = (await ward.GetHealthAsync()).GetProperty("anchoring");
            return anchoring.GetProperty("unanchoredCheckpoints").GetInt32() == 0 && anchoring.GetProperty("anchoredSize").GetInt64() == Sizes(ward).LastOrDefault()
                && Sizes(ward).Count > 0;
        }, "every signed checkpoint anchored");

    private static List<long> Sizes(ChildGatewayWard ward) =>
        [.. GatewayJournal.ReadCheckpoints(ward.JournalFolder).Select(n => Checkpoint.TryParseBody(SignedNote.TryParse(n, out var note) ? note.Text : "", out var c) ? c.Size : -1)];

    /// <summary>Every checkpoint of <paramref name="sizes"/> (the journal may have signed more since) has a kept receipt that verifies.</summary>
    private static void AssertEveryCheckpointHasAVerifyingReceipt(ChildGatewayWard ward, ReferenceLedger ledger, IReadOnlyList<long> sizes)
    {
        var notes = GatewayJournal.ReadCheckpoints(ward.JournalFolder);
        Assert.NotEmpty(sizes);
        foreach (var (note, size) in notes.Zip(Sizes(ward)).Take(sizes.Count))
        {
            var text = AnchorStore.ReadReceipt(ward.JournalFolder, size);
            Assert.True(text is not null, $"no receipt kept for checkpoint {size}");
            Assert.True(LedgerReceipt.TryParse(text, out var receipt), $"the receipt of checkpoint {size} does not parse");
            Assert.Equal(ReceiptFailure.None, receipt.Verify(note, [ledger.VerifierKey], ReferenceLedger.Origin, [], 0));
        }
    }

    [Fact]
    public async Task A_running_gateway_anchors_every_checkpoint_and_the_audit_bundle_verifies_the_full_chain_offline()
    {
        await using var ledger = new ReferenceLedger();
        await ledger.StartAsync();
        await using var ward = await StartWardAsync(ledger);
        await ward.StartGatewayAsync();
        var first = await PublishAsync(ward, 5);
        await WaitForCheckpointAsync(ward, first);
        var second = first + await PublishAsync(ward, 5);
        await WaitForCheckpointAsync(ward, second);
        await ward.WaitForAsync(async () => (await ward.GetHealthAsync()).GetProperty("influxLagEntries").GetInt64() == 0, "every frame stored");
        await WaitForAnchoredAsync(ward);

        var sizes = Sizes(ward);
        Assert.True(sizes.Count >= 2, $"expected at least two checkpoints, got {sizes.Count}");
        // (An alarm event journaled meanwhile may add a checkpoint: compare what was anchored when we looked.)
        Assert.Equal(sizes, ledger.AnchoredSizes(ChildGatewayWard.IdentityName).Take(sizes.Count));
        Assert.All(ledger.Submissions, s => Assert.Equal(200, s.Status));
        Assert.Equal(sizes, ledger.Submissions.Select(s => s.Size).Take(sizes.Count));
        AssertEveryCheckpointHasAVerifyingReceipt(ward, ledger, sizes);

        // The audit's bundle for entry 0 is proven against the first checkpoint (anchored) and carries its receipt.
        var bundlePath = Path.Combine(ward.JournalFolder, "..", "entry-0.bundle");
        var audit = await ward.RunAuditAsync("--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z", "--bundle-for", "0", "--bundle-out", bundlePath);
        Assert.True(audit.ExitCode == 0, audit.Describe());
        Assert.Contains($"proven against anchored checkpoint {sizes[0]}", audit.Output, StringComparison.Ordinal);
        var bundle = await File.ReadAllTextAsync(bundlePath);
        Assert.Contains("\nanchor mediot-ledger ", bundle, StringComparison.Ordinal);

        string[] chain = [CommandLine.VerifierAssembly, "bundle", bundlePath, "--log-key", ward.CheckpointKey().ToString(), "--device-keys", ward.RegistryPath];
        var verify = await CommandLine.RunAsync("dotnet", [.. chain, "--ledger-key", ledger.VerifierKey.ToString()]);
        Assert.True(verify.ExitCode == 0, verify.Describe());
        Assert.Contains($"the checkpoint is leaf 0 of ledger '{ReferenceLedger.Origin}'", verify.Output, StringComparison.Ordinal);

        // Another ledger's key does not verify the anchor.
        await using var other = new ReferenceLedger();
        var wrong = await CommandLine.RunAsync("dotnet", [.. chain, "--ledger-key", other.VerifierKey.ToString()]);
        Assert.Equal(1, wrong.ExitCode);
        Assert.StartsWith("FAIL: UnknownLedgerKey: ", wrong.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ledger_outage_leaves_ingestion_alone_the_backlog_is_anchored_in_order_and_a_restart_resumes_without_resubmitting()
    {
        await using var ledger = new ReferenceLedger(); // down: nothing listens on its port yet
        await using var ward = await StartWardAsync(ledger);
        await ward.StartGatewayAsync();
        var published = await PublishAsync(ward, 4);
        await WaitForCheckpointAsync(ward, published);
        published += await PublishAsync(ward, 4);
        await WaitForCheckpointAsync(ward, published);
        Assert.Equal(Beds * 8, published); // every frame acknowledged while the ledger was down

        // The anchoring service reads the kept checkpoints on its own schedule: wait until it has seen both.
        await ward.WaitForAsync(async () => (await ward.GetHealthAsync()).GetProperty("anchoring").GetProperty("unanchoredCheckpoints").GetInt32() >= 2,
            "the backlog of unanchored checkpoints in /health");
        var anchoring = (await ward.GetHealthAsync()).GetProperty("anchoring");
        Assert.True(anchoring.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, anchoring.GetProperty("anchoredSize").GetInt64());
        Assert.True(anchoring.GetProperty("unavailable").GetInt64() >= 1, anchoring.ToString());
        Assert.StartsWith("the ledger is unavailable", anchoring.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Number, anchoring.GetProperty("oldestUnanchoredSeconds").ValueKind);
        Assert.Empty(ledger.Submissions);

        // The ledger comes back: the backlog is anchored in order, each from the previous one, nothing missing.
        await ledger.StartAsync();
        await WaitForAnchoredAsync(ward);
        var sizes = Sizes(ward);
        Assert.Equal(sizes, ledger.AnchoredSizes(ChildGatewayWard.IdentityName).Take(sizes.Count));
        Assert.Equal(sizes.Zip([0L, .. sizes]).Select(p => (p.Second, p.First, 200)), ledger.Submissions.Select(s => (s.OldSize, s.Size, s.Status)).Take(sizes.Count));
        AssertEveryCheckpointHasAVerifyingReceipt(ward, ledger, sizes);

        // Restart the gateway: it resumes from its persisted state, submitting only what it signs from now on.
        await ward.Gateway!.StopAsync();
        var anchoredBefore = ledger.AnchoredSizes(ChildGatewayWard.IdentityName);
        var submittedBefore = ledger.Submissions.Count;
        await ward.StartGatewayAsync();
        published += await PublishAsync(ward, 3);
        await WaitForCheckpointAsync(ward, published);
        await WaitForAnchoredAsync(ward);
        var after = ledger.Submissions.Skip(submittedBefore).ToArray();
        var newSizes = Sizes(ward).Where(s => s > anchoredBefore[^1]).ToArray();
        Assert.NotEmpty(newSizes);
        Assert.Equal(newSizes.Zip([anchoredBefore[^1], .. newSizes]).Select(p => (p.Second, p.First, 200)),
            after.Select(s => (s.OldSize, s.Size, s.Status)).Take(newSizes.Length));
        var all = Sizes(ward).Where(s => s <= newSizes[^1]).ToArray();
        Assert.Equal(all, ledger.AnchoredSizes(ChildGatewayWard.IdentityName).Take(all.Length));
        AssertEveryCheckpointHasAVerifyingReceipt(ward, ledger, all);
    }
}
