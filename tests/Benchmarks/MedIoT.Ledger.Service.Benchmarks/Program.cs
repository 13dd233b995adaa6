using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Service.Hosting;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;
using Microsoft.Extensions.Configuration;

// Usage (docs/benchmarks/ledger-service.md):
//   mediot-ledger-service-bench <sqlite|postgres> <submitters> <submissions per submitter>
// Each submitter is a fake gateway: an Ed25519 key and its own MerkleLog, filled and signed BEFORE the timed phase
// (one checkpoint per size 1..n, each with its consistency proof from the previous one), so the timed phase measures
// the ledger: HTTP, signature and proof checks, group commit, ledger signature and the receipt. Bounded: it sends
// exactly submitters x submissions requests, then exits.
if (args.Length != 3)
{
    await Console.Error.WriteLineAsync("usage: mediot-ledger-service-bench <sqlite|postgres> <submitters> <submissions per submitter>");
    return 2;
}

var storage = args[0];
var submitters = int.Parse(args[1], CultureInfo.InvariantCulture);
var perSubmitter = int.Parse(args[2], CultureInfo.InvariantCulture);
using var folder = TemporaryDirectory.Create("ledger-bench");
await using var postgres = storage == "postgres" ? await PostgresServer.StartAsync() : null;
if (postgres is not null)
{
    await postgres.CreateDatabaseAsync("ledger");
}

// Prepare the gateways and every request body.
var gateways = new List<(string Origin, NoteVerifierKey Key, string[] Bodies)>();
for (var g = 0; g < submitters; g++)
{
    var origin = string.Create(CultureInfo.InvariantCulture, $"bench.example/gw{g}");
    using var key = Ed25519PrivateKey.Generate();
    var logFolder = folder.Combine($"gw{g}");
    using var log = MerkleLog.Open(logFolder);
    log.AppendBatch([.. Enumerable.Range(0, perSubmitter).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{origin} entry {i}"))]);
    var bodies = new string[perSubmitter];
    for (var size = 1; size <= perSubmitter; size++)
    {
        var note = SignedNote.Sign(new Checkpoint(origin, size, log.GetRootHash(size)).FormatBody(), origin, key);
        var old = size - 1;
        bodies[size - 1] = new AddCheckpointRequest(old, old == 0 ? [] : log.GetConsistencyProof(old, size), note).Format();
    }

    gateways.Add((origin, NoteVerifierKey.Create(origin, key.PublicKey), bodies));
}

var registry = folder.Combine("ledger-gateways.json");
await File.WriteAllTextAsync(registry, JsonSerializer.Serialize(new { gateways = gateways.Select(g => new { origin = g.Origin, vkey = g.Key.ToString() }) }));
var settings = new Dictionary<string, string?>
{
    ["Ledger:Url"] = "http://127.0.0.1:0",
    ["Ledger:KeyFile"] = folder.Combine("keys", "ledger-key.jwk"),
    ["Ledger:RegistryFile"] = registry,
    ["Ledger:Storage:Provider"] = postgres is null ? "Sqlite" : "Postgres",
    ["Ledger:Storage:SqlitePath"] = folder.Combine("ledger.db"),
    ["Ledger:Storage:PostgresConnectionString"] = postgres?.ConnectionString("ledger") ?? string.Empty,
    ["Logging:LogLevel:Default"] = "Warning",
};
await using var server = await LedgerServer.StartAsync([], configuration => configuration.AddInMemoryCollection(settings));
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = submitters }) { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(60) };

var latencies = new double[submitters * perSubmitter];
var failures = 0;
var stopwatch = Stopwatch.StartNew();
await Task.WhenAll(gateways.Select((gateway, g) => Task.Run(async () =>
{
    for (var i = 0; i < perSubmitter; i++)
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new StringContent(gateway.Bodies[i], Encoding.UTF8, "text/plain");
        using var response = await http.PostAsync(new Uri("add-checkpoint", UriKind.Relative), content);
        if (!response.IsSuccessStatusCode)
        {
            Interlocked.Increment(ref failures);
        }

        latencies[(g * perSubmitter) + i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
})));
stopwatch.Stop();

Array.Sort(latencies);
var total = latencies.Length;
using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri("health", UriKind.Relative)));
var batches = health.RootElement.GetProperty("batches").GetInt64();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{storage}: {submitters} submitters x {perSubmitter} = {total} submissions in {stopwatch.Elapsed.TotalSeconds:0.00} s: {total / stopwatch.Elapsed.TotalSeconds:0} submissions/s, " +
    $"latency p50 {latencies[total / 2]:0.0} ms, p99 {latencies[(int)(total * 0.99)]:0.0} ms, max {latencies[^1]:0.0} ms; {batches} group commits ({(double)total / Math.Max(1, batches):0.0} per commit); {failures} failed"));
return failures == 0 ? 0 : 1;
