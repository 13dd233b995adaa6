using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Witness.Tests.Support;
using MedIoT.Testing;
using Xunit.Abstractions;

namespace MedIoT.Ledger.Witness.Tests.Crash;

/// <summary>
/// The acceptance point "a witness refuses an inconsistent ledger checkpoint", across crashes: the real
/// <c>mediot-witness</c> process is killed with SIGKILL while several clients keep it busy; after every restart it
/// remembers at least every size it returned a cosignature for, and it refuses a validly signed fork of the log.
/// </summary>
public sealed class WitnessCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 3;
    private const int Clients = 6;
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("witness-crash");

    [Fact]
    public async Task Sigkill_during_many_requests_never_lets_the_restarted_witness_cosign_an_inconsistent_checkpoint()
    {
        using var log = TestLog.Create(_folder.Combine("log"), 3000);
        var keyFile = _folder.Combine("witness", "key", "witness.jwk");
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WitnessKey witnessKey;
        using (var key = Ed25519PrivateKey.Generate())
        {
            PrivateKeyFile.Write(keyFile, key);
            witnessKey = WitnessKey.Create(InProcessWitness.WitnessName, key.PublicKey);
        }

        var port = FreeTcpPort.Next();
        var settingsFile = WitnessServerProcess.WriteSettings(_folder.Combine("witness"), port, keyFile, log.VerifierKey);
        var random = new Random(8);
        long maxCosigned = 0;
        var totalCosigned = 0;

        for (var round = 0; round <= Kills; round++)
        {
            await using var witness = await WitnessServerProcess.StartAsync(settingsFile, port);
            using var client = new HttpClient { BaseAddress = witness.Address, Timeout = TimeSpan.FromSeconds(30) };

            // (A fresh witness would cosign the probe with old 0, so the first round starts from 0 without asking.)
            var latest = round == 0 ? 0 : await LatestSizeAsync(client, log);
            Assert.True(latest >= maxCosigned, $"round {round}: the witness restarted at size {latest}, below the size {maxCosigned} it cosigned");
            if (latest > 0)
            {
                // Its state is the true log's checkpoint at that size: re-cosigned as is.
                var same = await PostAsync(client, log.Request(latest, latest));
                Assert.Equal(HttpStatusCode.OK, same.Status);
                Cosigned.AssertVerifies(log.SignedCheckpoint(latest), same.Body, witnessKey);
                await AssertForksRefusedAsync(client, log, latest, round, random);
            }

            if (round == Kills)
            {
                // A service stop (SIGTERM) ends it cleanly.
                await witness.StopAsync();
                Assert.Contains("Witness stopping", witness.RecentOutput, StringComparison.Ordinal);
                break;
            }

            // Several clients advance the log concurrently; kill -9 once a random number of cosignatures came back.
            var threshold = random.Next(10, 40);
            var cosignedThisRound = 0;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = new CancellationTokenSource();

            async Task RunClientAsync(int id)
            {
                var clientRandom = new Random((round * 100) + id);
                long known = latest;
                while (!stop.IsCancellationRequested)
                {
                    var target = Math.Min(log.Size, known + clientRandom.Next(1, 25));
                    WitnessReply reply;
                    try
                    {
                        reply = await PostAsync(client, log.Request(known, target), stop.Token);
                    }
                    catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
                    {
                        return; // The witness was killed.
                    }

                    if (reply.Status == HttpStatusCode.OK)
                    {
                        Cosigned.AssertVerifies(log.SignedCheckpoint(target), reply.Body, witnessKey);
                        InterlockedMax(ref maxCosigned, target);
                        if (Interlocked.Increment(ref cosignedThisRound) >= threshold)
                        {
                            reached.TrySetResult();
                        }

                        known = target;
                    }
                    else
                    {
                        known = reply.ConflictSize();
                    }
                }
            }

            var clients = Enumerable.Range(0, Clients).Select(id => Task.Run(() => RunClientAsync(id))).ToArray();
            await reached.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await witness.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60));
            totalCosigned += cosignedThisRound;
            output.WriteLine($"round {round}: restarted at {latest}; killed after {cosignedThisRound} cosignatures; largest cosigned size {Interlocked.Read(ref maxCosigned)}");
        }

        Assert.True(totalCosigned >= Kills * 10);
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>The witness's latest cosigned size for the log, learned as a client does: old 0 gets a 409 with it.</summary>
    private static async Task<long> LatestSizeAsync(HttpClient client, TestLog log)
    {
        var reply = await PostAsync(client, new AddCheckpointRequest(0, [], log.SignedCheckpoint(log.Size)).Format());
        Assert.NotEqual(HttpStatusCode.OK, reply.Status);
        return reply.ConflictSize();
    }

    /// <summary>A fork signed with the log's own key, diverging below the cosigned size, is never cosigned.</summary>
    private async Task AssertForksRefusedAsync(HttpClient client, TestLog log, long latest, int round, Random random)
    {
        var seed = new byte[Ed25519PrivateKey.SeedLength];
        log.Key.ExportSeed(seed);
        var forkFrom = random.NextInt64(0, latest);
        using var fork = TestLog.Create(_folder.Combine($"fork-{round}"), latest + 30, Ed25519PrivateKey.FromSeed(seed), forkFrom: forkFrom);

        // Growing the fork from the cosigned size: its proof cannot link to the cosigned root.
        var grown = await PostAsync(client, fork.Request(latest, latest + 30));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, grown.Status);

        // The fork at the cosigned size itself: same size, another root.
        var sameSize = await PostAsync(client, new AddCheckpointRequest(latest, [], fork.SignedCheckpoint(latest)).Format());
        Assert.Equal(HttpStatusCode.Conflict, sameSize.Status);

        // The fork from any older size, as a rolled-back witness would have accepted: 409, never 200.
        var older = await PostAsync(client, fork.Request(forkFrom, latest + 30));
        Assert.Equal(latest, older.ConflictSize());
        output.WriteLine($"round {round}: a fork from leaf {forkFrom} was refused at cosigned size {latest}");
    }

    private static async Task<WitnessReply> PostAsync(HttpClient client, string body, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await client.PostAsync(new Uri("add-checkpoint", UriKind.Relative), content, cancellationToken);
        return await WitnessReply.ReadAsync(response);
    }

    private static void InterlockedMax(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
