using System.Collections.Concurrent;
using System.Net;
using MedIoT.Ledger.Witness.Cosigning;
using MedIoT.Ledger.Witness.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Ledger.Witness.Tests.Cosigning;

/// <summary>
/// The race of C2SP tlog-witness ("add-checkpoint"): checking the old size and persisting the new checkpoint must be one
/// step, or two requests could both pass the check and the slower one would roll the state back.
/// </summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("witness-race");
    private readonly TestLog _log;

    public ConcurrencyTests() => _log = TestLog.Create(_folder.Combine("log"), 2000);

    [Fact]
    public async Task Concurrent_requests_from_the_same_old_size_cosign_exactly_one_and_the_rest_learn_its_size()
    {
        await using var witness = await InProcessWitness.StartAsync(InProcessWitness.Settings(_folder.Combine("witness"), _log.VerifierKey));
        Assert.Equal(HttpStatusCode.OK, (await witness.PostAsync(_log.Request(0, 10))).Status);
        const int Requests = 24;
        var bodies = Enumerable.Range(11, Requests).Select(size => (Size: (long)size, Body: _log.Request(10, size))).ToArray();

        // Every request waits at the same gate so they reach the witness together.
        using var start = new ManualResetEventSlim();
        var tasks = bodies.Select(b => Task.Run(async () =>
        {
            start.Wait(TimeSpan.FromSeconds(10));
            return (b.Size, Reply: await witness.PostAsync(b.Body));
        })).ToArray();
        start.Set();
        var replies = await Task.WhenAll(tasks);

        var winner = Assert.Single(replies, r => r.Reply.Status == HttpStatusCode.OK);
        Cosigned.AssertVerifies(_log.SignedCheckpoint(winner.Size), winner.Reply.Body, witness.VerifierKey);
        foreach (var (_, reply) in replies.Where(r => r.Reply.Status != HttpStatusCode.OK))
        {
            Assert.Equal(winner.Size, reply.ConflictSize());
        }

        Assert.Equal(winner.Size, witness.Server.Witness.State.Latest(_log.Origin).Size);
        Assert.Equal(Requests - 1, witness.Server.Metrics.Rejections[WitnessRejection.StaleOldSize]);
        witness.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Racing_clients_that_retry_on_409_form_one_chain_and_never_roll_the_state_back()
    {
        await using var witness = await InProcessWitness.StartAsync(InProcessWitness.Settings(_folder.Combine("witness"), _log.VerifierKey));
        const int Clients = 8;
        const int TargetsPerClient = 12;
        var cosigned = new ConcurrentBag<(long Old, long Size)>();

        async Task RunClientAsync(int client)
        {
            var random = new Random(client);
            long known = 0;
            for (var t = 0; t < TargetsPerClient; t++)
            {
                for (var attempt = 0; attempt < 50; attempt++)
                {
                    // Aim a little beyond what this client last heard of, as a log with new entries would.
                    var target = Math.Min(_log.Size, known + random.Next(1, 40));
                    var reply = await witness.PostAsync(_log.Request(known, target));
                    if (reply.Status == HttpStatusCode.OK)
                    {
                        Cosigned.AssertVerifies(_log.SignedCheckpoint(target), reply.Body, witness.VerifierKey);
                        cosigned.Add((known, target));
                        known = target;
                        break;
                    }

                    known = reply.ConflictSize();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(() => RunClientAsync(c))));

        // Every cosignature moved the state from the size it named; following them from 0 must visit each exactly
        // once: two cosignatures from the same old size (other than re-cosigning the same checkpoint) would be the race.
        var steps = cosigned.Where(s => s.Old != s.Size).ToLookup(s => s.Old);
        long size = 0;
        var visited = 0;
        while (steps.Contains(size))
        {
            var next = Assert.Single(steps[size]);
            Assert.True(next.Size > size);
            size = next.Size;
            visited++;
        }

        Assert.Equal(cosigned.Count(s => s.Old != s.Size), visited);
        Assert.Equal(size, witness.Server.Witness.State.Latest(_log.Origin).Size);
        Assert.Equal(cosigned.Max(s => s.Size), size);
        Assert.True(visited >= TargetsPerClient, $"only {visited} cosignatures");
        witness.Logs.AssertNoErrors();
    }

    public void Dispose()
    {
        _log.Dispose();
        _folder.Dispose();
    }
}
