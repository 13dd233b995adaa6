using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Storage;
using MedIoT.Ledger.Witness.Configuration;
using MedIoT.Ledger.Witness.Http;
using MedIoT.Testing;
using Microsoft.Extensions.Logging.Abstractions;

// mediot-witness-load <origins> <requests per origin>
// Starts the real witness host on a loopback port, then for each origin (a log of its own, all trusted) submits a
// chain of checkpoints growing by one leaf, each with its consistency proof, one request at a time per origin (the
// protocol makes each request depend on the previous answer); origins run concurrently. Prints requests per second
// and latency percentiles. Exactly origins x requests requests are sent; every answer must be 200.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

if (args.Length != 2 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out var origins) || origins < 1
    || !int.TryParse(args[1], CultureInfo.InvariantCulture, out var requestsPerOrigin) || requestsPerOrigin < 1)
{
    await Console.Error.WriteLineAsync("usage: mediot-witness-load <origins> <requests per origin>");
    return 2;
}

using var folder = TemporaryDirectory.Create("witness-load");
var keyFile = folder.Combine("key", "witness.jwk");
Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
using (var witnessKey = Ed25519PrivateKey.Generate())
{
    PrivateKeyFile.Write(keyFile, witnessKey);
}

// Every request body is prepared before the clock starts: the harness measures the witness, not the log.
var options = new WitnessOptions
{
    Name = "witness.mediot.example/load",
    KeyFile = keyFile,
    StateFolder = folder.Combine("state"),
    EvidenceFolder = folder.Combine("evidence"),
    Url = new Uri("http://127.0.0.1:0"),
};
var bodies = new string[origins][];
for (var o = 0; o < origins; o++)
{
    var origin = string.Create(CultureInfo.InvariantCulture, $"mediot.example/load{o}");
    using var key = Ed25519PrivateKey.Generate();
    using var log = MerkleLog.Open(folder.Combine($"log{o}"));
    log.AppendBatch([.. Enumerable.Range(0, requestsPerOrigin).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"entry {i}"))]);
    bodies[o] = new string[requestsPerOrigin];
    for (var size = 1; size <= requestsPerOrigin; size++)
    {
        var note = SignedNote.Sign(new Checkpoint(origin, size, log.GetRootHash(size)).FormatBody(), origin, key);
        var proof = size == 1 ? [] : log.GetConsistencyProof(size - 1, size);
        bodies[o][size - 1] = new AddCheckpointRequest(size - 1, proof, note).Format();
    }

    var trusted = new TrustedLogOptions { Origin = origin };
    trusted.Keys.Add(NoteVerifierKey.Create(origin, key.PublicKey).ToString());
    options.Logs.Add(trusted);
}

await using var server = await WitnessServer.StartAsync(options, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);
using var client = new HttpClient { BaseAddress = server.Address };
var latencies = new double[origins * requestsPerOrigin];
var stopwatch = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, origins).Select(o => Task.Run(async () =>
{
    for (var i = 0; i < requestsPerOrigin; i++)
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new StringContent(bodies[o][i], Encoding.UTF8);
        using var response = await client.PostAsync(new Uri("add-checkpoint", UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"origin {o} request {i}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        latencies[(o * requestsPerOrigin) + i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
})));
stopwatch.Stop();

Array.Sort(latencies);
double Percentile(double p) => latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"origins {origins}, requests {latencies.Length}, {stopwatch.Elapsed.TotalSeconds:0.00} s, {latencies.Length / stopwatch.Elapsed.TotalSeconds:0} cosignatures/s, " +
    $"latency p50 {Percentile(0.5):0.00} ms, p99 {Percentile(0.99):0.00} ms, max {latencies[^1]:0.00} ms"));
return 0;
