using System.Text;
using MedIoT.Cryptography;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Anchoring;

/// <summary>
/// Acceptance (issue 8): three gateways anchoring concurrently into one ledger with two witnesses; a full proof bundle
/// for a reading of each verifies offline. Everything is real and a separate process: mosquitto and influxd, three
/// gateway processes with their own journals and keys, fed by simulated devices, the <c>mediot-ledger</c> process (its
/// registry lists the three origins and checkpoint keys) and two <c>mediot-witness</c> processes; the policy requires
/// both cosignatures. Run on SQLite (<see cref="SqliteHospitalLedgerTests"/>) and on PostgreSQL
/// (<see cref="PostgresHospitalLedgerTests"/>).
/// </summary>
public abstract class HospitalLedgerTests
{
    private const int Gateways = 3;
    private const int Beds = 2;
    private const int Required = 2;

    /// <summary>The ledger's PostgreSQL connection string, or null for SQLite; the returned disposable ends the database server.</summary>
    private protected abstract Task<(string? ConnectionString, IAsyncDisposable? Server)> StorageAsync();

    [Fact]
    public async Task Three_gateways_anchor_concurrently_into_one_ledger_with_two_witnesses_and_a_bundle_for_a_reading_of_each_verifies_offline()
    {
        using var folder = TemporaryDirectory.Create("hospital-ledger");
        var (connectionString, database) = await StorageAsync();
        await using var _ = database;
        await using var influx = await InfluxServer.StartAsync();
        await using var ledger = new LedgerServiceProcess(folder.Combine("ledger"), connectionString) { RequiredCosignatures = Required };
        await using var w1 = await WitnessProcess.StartAsync(folder.Combine("w1"), "w1.witness.example", ledger.VerifierKey);
        await using var w2 = await WitnessProcess.StartAsync(folder.Combine("w2"), "w2.witness.example", ledger.VerifierKey);
        WitnessProcess[] witnesses = [w1, w2];
        ledger.AddWitness(w1);
        ledger.AddWitness(w2);

        var wards = await Task.WhenAll(Enumerable.Range(1, Gateways).Select(i => GatewayWards.ChildProcess(Beds, $"gw-{i}", $"mediot_gw_{i}").WithSharedInflux(influx).StartAsync()));
        try
        {
            foreach (var ward in wards)
            {
                AnchoredWards.Configure(ward, ledger);
            }

            await ledger.StartAsync();
            Assert.Contains($"{Gateways} registered gateways, 2 witnesses ({Required} required), storage {(connectionString is null ? "Sqlite" : "Postgres")};",
                ledger.RecentOutput, StringComparison.Ordinal);
            await Task.WhenAll(wards.Select(w => w.StartGatewayAsync()));

            // Two rounds of frames on every gateway at once, each round covered by a signed checkpoint.
            await Task.WhenAll(wards.Select(async ward =>
            {
                var published = await AnchoredWards.PublishAsync(ward, 4);
                await AnchoredWards.WaitForCheckpointAsync(ward, published);
                published += await AnchoredWards.PublishAsync(ward, 4);
                Assert.Equal(Beds * 8, published);
                await AnchoredWards.WaitForCheckpointAsync(ward, published);
            }));
            var anchored = await Task.WhenAll(wards.Select(w => AnchoredWards.WaitForAnchoredAsync(w, ledger)));

            var health = await ledger.HealthAsync();
            Assert.True(health.GetProperty("anchored").GetInt64() >= anchored.Sum(s => s.Count), health.ToString());
            Assert.Equal(0, health.GetProperty("forks").GetInt64());
            Assert.True(health.GetProperty("cosignatures").GetInt64() >= 2, health.ToString());
            for (var i = 0; i < Gateways; i++)
            {
                Assert.True(anchored[i].Count >= 2, $"{wards[i].Origin}: expected at least two checkpoints, got {anchored[i].Count}");
                AnchoredWards.AssertEveryCheckpointHasAVerifyingReceipt(wards[i], ledger, anchored[i], [w1.Key, w2.Key], Required);
            }

            // A reading of each gateway (one from the second checkpoint, not only the first): bundle, verify offline.
            for (var i = 0; i < Gateways; i++)
            {
                var ward = wards[i];
                var bundle = await AnchoredWards.BundleAsync(ward, anchored[i][0], folder.Path);
                var verified = await AnchoredWards.VerifyAsync(ward, bundle, ledger, witnesses, Required);
                Assert.True(verified.ExitCode == 0, verified.Describe());
                Assert.Contains($"of ledger '{LedgerServiceProcess.Origin}'", verified.Output, StringComparison.Ordinal);
                Assert.Contains($"cosigned by {Required} trusted witness(es) ({Required} required)", verified.Output, StringComparison.Ordinal);

                // Tampered: one witness's cosignature removed from the receipt -> too few cosignatures.
                var stripped = Path.ChangeExtension(bundle, ".stripped");
                await File.WriteAllTextAsync(stripped, WithoutCosignatureOf(await File.ReadAllTextAsync(bundle), w2.Name));
                var tooFew = await AnchoredWards.VerifyAsync(ward, stripped, ledger, witnesses, Required);
                Assert.True(tooFew.ExitCode == 1, tooFew.Describe());
                Assert.StartsWith("FAIL: TooFewCosignatures: ", tooFew.Error, StringComparison.Ordinal);

                // Tampered: the gateway checkpoint of another gateway's bundle does not fit this anchor.
                var other = await File.ReadAllTextAsync(await AnchoredWards.BundleAsync(wards[(i + 1) % Gateways], anchored[(i + 1) % Gateways][0], folder.Path));
                var swapped = Path.ChangeExtension(bundle, ".swapped");
                await File.WriteAllTextAsync(swapped, WithAnchorOf(await File.ReadAllTextAsync(bundle), other));
                var wrongAnchor = await AnchoredWards.VerifyAsync(ward, swapped, ledger, witnesses, Required);
                Assert.True(wrongAnchor.ExitCode == 1, wrongAnchor.Describe());
                Assert.StartsWith("FAIL: AnchorNotIncluded: ", wrongAnchor.Error, StringComparison.Ordinal);

                // Untampered, but checked with another ledger's key: the anchor is not trusted.
                using var otherKey = Ed25519PrivateKey.Generate();
                var wrongLedger = await AnchoredWards.VerifyAsync(ward, bundle, NoteVerifierKey.Create(LedgerServiceProcess.Origin, otherKey.PublicKey), witnesses, Required);
                Assert.True(wrongLedger.ExitCode == 1, wrongLedger.Describe());
                Assert.StartsWith("FAIL: UnknownLedgerKey: ", wrongLedger.Error, StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var ward in wards)
            {
                await ward.DisposeAsync();
            }
        }
    }

    /// <summary>The bundle with its anchor receipt rewritten without the cosignature line of <paramref name="witness"/>.</summary>
    private static string WithoutCosignatureOf(string bundle, string witness) => RewriteAnchor(bundle, receipt =>
    {
        var kept = receipt.Split('\n').Where(l => !l.StartsWith("\u2014 " + witness + " ", StringComparison.Ordinal)).ToArray();
        Assert.True(kept.Length < receipt.Split('\n').Length, $"the receipt carries no cosignature of {witness}");
        return string.Join('\n', kept);
    });

    /// <summary>The bundle with the anchor line of <paramref name="other"/> instead of its own.</summary>
    private static string WithAnchorOf(string bundle, string other) =>
        RewriteAnchor(bundle, _ => Encoding.UTF8.GetString(Convert.FromBase64String(AnchorLine(other)["anchor mediot-ledger ".Length..])));

    private static string RewriteAnchor(string bundle, Func<string, string> rewrite)
    {
        var line = AnchorLine(bundle);
        var receipt = Encoding.UTF8.GetString(Convert.FromBase64String(line["anchor mediot-ledger ".Length..]));
        return bundle.Replace(line, "anchor mediot-ledger " + Convert.ToBase64String(Encoding.UTF8.GetBytes(rewrite(receipt))), StringComparison.Ordinal);
    }

    private static string AnchorLine(string bundle) => bundle.Split('\n').Single(l => l.StartsWith("anchor mediot-ledger ", StringComparison.Ordinal));
}

/// <summary><see cref="HospitalLedgerTests"/> with the ledger on SQLite (its default).</summary>
public sealed class SqliteHospitalLedgerTests : HospitalLedgerTests
{
    private protected override Task<(string? ConnectionString, IAsyncDisposable? Server)> StorageAsync() =>
        Task.FromResult<(string?, IAsyncDisposable?)>((null, null));
}

/// <summary><see cref="HospitalLedgerTests"/> with the ledger on a real PostgreSQL server (Debian package) started by the test.</summary>
public sealed class PostgresHospitalLedgerTests : HospitalLedgerTests
{
    private protected override async Task<(string? ConnectionString, IAsyncDisposable? Server)> StorageAsync()
    {
        var server = await PostgresServer.StartAsync();
        await server.CreateDatabaseAsync("ledger");
        return (server.ConnectionString("ledger"), server);
    }
}
