using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Service.Tests.Support;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Anchoring;

/// <summary>Three gateways anchoring concurrently into one ledger with two witnesses, on SQLite and on PostgreSQL.</summary>
public abstract class ConcurrentAnchoringTests
{
    private const int AnchorsPerGateway = 25;

    protected abstract Task<Dictionary<string, string?>> SettingsAsync(string folder);

    [Fact]
    public async Task Three_gateways_anchor_concurrently_and_every_receipt_verifies_with_two_witnesses()
    {
        using var folder = TemporaryDirectory.Create("ledger-concurrent");
        FakeGateway[] gateways = [new("mediot.example/ward1/gw"), new("mediot.example/ward2/gw"), new("mediot.example/ward3/gw")];
        TestLedger.WriteRegistry(folder.Path, gateways);
        var settings = await SettingsAsync(folder.Path);

        // The ledger key is needed by the witnesses before the ledger starts: start once to create it.
        var ledger = await TestLedger.StartAsync(settings);
        var ledgerKey = ledger.VerifierKey;
        await ledger.DisposeAsync();
        // The project's real witnesses, as separate processes.
        await using var witnessA = await WitnessProcess.StartAsync(Path.Combine(folder.Path, "witness-a"), "witness-a.mediot.example", ledgerKey);
        await using var witnessB = await WitnessProcess.StartAsync(Path.Combine(folder.Path, "witness-b"), "witness-b.mediot.example", ledgerKey);
        settings["Ledger:Witnesses:0:VerifierKey"] = witnessA.Key.ToString();
        settings["Ledger:Witnesses:0:Url"] = witnessA.Url.ToString();
        settings["Ledger:Witnesses:1:VerifierKey"] = witnessB.Key.ToString();
        settings["Ledger:Witnesses:1:Url"] = witnessB.Url.ToString();
        settings["Ledger:RequiredCosignatures"] = "2";
        settings["Ledger:ReceiptCosignatureWaitMilliseconds"] = "10000";
        ledger = await TestLedger.StartAsync(settings);
        await using (ledger)
        {
            WitnessKey[] witnesses = [witnessA.Key, witnessB.Key];
            var leaves = new System.Collections.Concurrent.ConcurrentDictionary<long, string>();
            await Task.WhenAll(gateways.Select(gateway => Task.Run(async () =>
            {
                for (var i = 0; i < AnchorsPerGateway; i++)
                {
                    var note = gateway.Grow(1 + (i % 3));
                    var receipt = await ledger.AnchorAsync(gateway, note, witnesses, required: 2);
                    Assert.True(leaves.TryAdd(receipt.Index, note));
                }
            })));

            // Every ledger leaf is one of the anchored checkpoints, in a single tree whose roots match every checkpoint signed.
            Assert.Equal(3 * AnchorsPerGateway, leaves.Count);
            using var replica = TemporaryDirectory.Create("ledger-replica");
            using var replicaLog = MerkleLog.Open(replica.Path);
            replicaLog.AppendBatch([.. Enumerable.Range(0, leaves.Count).Select(i => (ReadOnlyMemory<byte>)LedgerReceipt.LeafFor(leaves[i]))]);
            var (_, latestNote) = await ledger.GetAsync("checkpoint");
            Assert.True(Checkpoint.TryOpen(latestNote, [ledger.VerifierKey], "mediot.example/ledger", out var latest, out _));
            Assert.Equal(leaves.Count, latest.Size);
            Assert.Equal(replicaLog.GetRootHash(latest.Size), latest.RootHash.ToArray());
            foreach (var gateway in gateways)
            {
                var (_, text) = await ledger.GetAsync($"receipt?origin={gateway.Origin}&size={gateway.AnchoredSize}");
                Assert.True(LedgerReceipt.TryParse(text, out var receipt));
                Assert.Equal(ReceiptFailure.None, receipt.Verify(leaves[receipt.Index], [ledger.VerifierKey], "mediot.example/ledger", witnesses, 2));
            }
        }

        foreach (var gateway in gateways)
        {
            gateway.Dispose();
        }
    }
}

public sealed class SqliteConcurrentAnchoringTests : ConcurrentAnchoringTests
{
    protected override Task<Dictionary<string, string?>> SettingsAsync(string folder) => Task.FromResult(TestLedger.Settings(folder));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresConcurrentAnchoringTests(PostgresFixture postgres) : ConcurrentAnchoringTests
{
    protected override async Task<Dictionary<string, string?>> SettingsAsync(string folder) =>
        TestLedger.Settings(folder, await postgres.NewDatabaseAsync());
}
