using System.Text.Json;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Service.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Witnesses;

public sealed class WitnessCollectionTests
{
    [Fact]
    public async Task A_refusing_witness_is_counted_and_never_blocks_anchoring()
    {
        using var folder = TemporaryDirectory.Create("ledger-witness");
        using var gateway = new FakeGateway("mediot.example/ward1/gw");
        TestLedger.WriteRegistry(folder.Path, [gateway]);
        var settings = TestLedger.Settings(folder.Path);
        var ledger = await TestLedger.StartAsync(settings);
        var ledgerKey = ledger.VerifierKey;
        await ledger.DisposeAsync();

        await using var honest = await TestWitness.StartAsync("witness-a.example", ledgerKey);
        await using var refusing = await TestWitness.StartAsync("witness-b.example", ledgerKey);
        refusing.Refuse = true;
        settings["Ledger:Witnesses:0:VerifierKey"] = honest.Key.ToString();
        settings["Ledger:Witnesses:0:Url"] = honest.Url.ToString();
        settings["Ledger:Witnesses:1:VerifierKey"] = refusing.Key.ToString();
        settings["Ledger:Witnesses:1:Url"] = refusing.Url.ToString();
        settings["Ledger:RequiredCosignatures"] = "1";
        settings["Ledger:ReceiptCosignatureWaitMilliseconds"] = "300";
        await using (ledger = await TestLedger.StartAsync(settings))
        {
            for (var i = 0; i < 3; i++)
            {
                var note = gateway.Grow(2);
                var receipt = await ledger.AnchorAsync(gateway, note, [honest.Key, refusing.Key], required: 1);
                Assert.Equal(ReceiptFailure.TooFewCosignatures, receipt.Verify(note, [ledger.VerifierKey], null, [honest.Key, refusing.Key], 2));
            }

            var health = JsonDocument.Parse((await ledger.GetAsync("health")).Body).RootElement;
            Assert.Equal(3, health.GetProperty("anchored").GetInt64());
            Assert.True(health.GetProperty("witnessFailures").GetInt64() >= 1);
            Assert.True(health.GetProperty("cosignatures").GetInt64() >= 1);
            Assert.True(refusing.Requests >= 1);

            // GET /checkpoint carries the honest witness's cosignature once it arrived.
            var (_, checkpoint) = await ledger.GetAsync("checkpoint");
            Assert.Contains("\u2014 witness-a.example ", checkpoint, StringComparison.Ordinal);
            Assert.DoesNotContain("witness-b.example", checkpoint, StringComparison.Ordinal);
        }
    }
}
