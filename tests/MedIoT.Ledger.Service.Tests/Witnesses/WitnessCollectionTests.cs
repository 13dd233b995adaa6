using System.Text.Json;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Service.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Witnesses;

/// <summary>Witness cosignature collection against the project's real witness processes.</summary>
public sealed class WitnessCollectionTests
{
    [Fact]
    public async Task A_refusing_witness_is_counted_and_never_blocks_anchoring()
    {
        using var folder = TemporaryDirectory.Create("ledger-witness");
        using var gateway = new FakeGateway("mediot.example/ward1/gw");
        TestLedger.WriteRegistry(folder.Path, [gateway]);
        var settings = TestLedger.Settings(folder.Path);
        var ledgerKey = await TestLedger.CreateKeyAsync(settings);

        // Witness 1 trusts another key for the ledger's origin: it answers 403 to every request.
        var (honestWitness, refusingWitness) = await TestLedger.StartHonestAndRefusingWitnessesAsync(folder.Path, settings, ledgerKey);
        await using var honest = honestWitness;
        await using var refusing = refusingWitness;
        await using (var ledger = await TestLedger.StartAsync(settings))
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

            var (_, checkpoint) = await ledger.GetAsync("checkpoint");
            Assert.Contains("\u2014 witness-a.mediot.example ", checkpoint, StringComparison.Ordinal);
            Assert.DoesNotContain("witness-b.mediot.example", checkpoint, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_witness_that_remembers_another_size_is_asked_again_from_its_size()
    {
        using var folder = TemporaryDirectory.Create("ledger-witness");
        using var gateway = new FakeGateway("mediot.example/ward1/gw");
        TestLedger.WriteRegistry(folder.Path, [gateway]);
        var settings = TestLedger.Settings(folder.Path);
        var ledgerKey = await TestLedger.CreateKeyAsync(settings);
        await using var witness = await WitnessProcess.StartAsync(Path.Combine(folder.Path, "witness"), "witness-a.mediot.example", ledgerKey);
        TestLedger.AddWitness(settings, 0, witness);
        settings["Ledger:RequiredCosignatures"] = "1";
        settings["Ledger:ReceiptCosignatureWaitMilliseconds"] = "10000";
        await using (var ledger = await TestLedger.StartAsync(settings))
        {
            await ledger.AnchorAsync(gateway, gateway.Grow(3), [witness.Key], required: 1);
            await ledger.AnchorAsync(gateway, gateway.Grow(3), [witness.Key], required: 1);
        }

        // The ledger forgets what the witness cosigned (a restored backup): its next request says old 0, the witness
        // answers 409 with size 2, and the ledger retries from there.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={settings["Ledger:Storage:SqlitePath"]};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM witnesses";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await using (var ledger = await TestLedger.StartAsync(settings))
        {
            await ledger.AnchorAsync(gateway, gateway.Grow(3), [witness.Key], required: 1);
            var health = JsonDocument.Parse((await ledger.GetAsync("health")).Body).RootElement;
            Assert.True(health.GetProperty("witnessFailures").GetInt64() >= 1);
        }
    }
}
