using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Service.Tests.Support;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Anchoring;

/// <summary>The ledger process killed with SIGKILL during concurrent submissions, on SQLite and on PostgreSQL.</summary>
public abstract class RestartTests
{
    protected abstract Task<Dictionary<string, string?>> SettingsAsync(string folder);

    [Fact]
    public async Task A_ledger_killed_mid_stream_continues_consistently_after_a_restart()
    {
        using var folder = TemporaryDirectory.Create("ledger-restart");
        FakeGateway[] gateways = [new("mediot.example/ward1/gw"), new("mediot.example/ward2/gw"), new("mediot.example/ward3/gw")];
        TestLedger.WriteRegistry(folder.Path, gateways);
        var settings = await SettingsAsync(folder.Path);
        settings.Remove("Ledger:Url");
        var port = FreeTcpPort.Next();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };

        var acknowledged = new ConcurrentBag<(string Note, LedgerReceipt Receipt)>();
        var sent = new ConcurrentBag<(string Origin, long Size, string Note)>();
        var enoughBeforeKill = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var afterRestart = 0;

        var ledger = await LedgerProcess.StartAsync(settings, port);
        NoteVerifierKey ledgerKey;
        using (var key = MedIoT.Cryptography.PrivateKeyFile.Read(settings["Ledger:KeyFile"]!))
        {
            ledgerKey = NoteVerifierKey.Create("mediot.example/ledger", key.PublicKey);
        }

        try
        {
            var submitters = gateways.Select(gateway => Task.Run(async () =>
            {
                var anchoredAfterRestart = 0;
                string? note = null;
                long size = 0;
                while (anchoredAfterRestart < 5)
                {
                    if (note is null)
                    {
                        note = gateway.Grow(1 + Random.Shared.Next(3));
                        size = gateway.Log.Size;
                        sent.Add((gateway.Origin, size, note));
                    }

                    HttpResponseMessage response;
                    try
                    {
                        using var content = new StringContent(gateway.RequestFor(note), Encoding.UTF8, "text/plain");
                        response = await http.PostAsync(new Uri("add-checkpoint", UriKind.Relative), content);
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                    {
                        // The ledger is down: the submission's fate is unknown until it is back.
                        await restarted.Task.WaitAsync(TimeSpan.FromSeconds(60));
                        continue;
                    }

                    using (response)
                    {
                        var body = await response.Content.ReadAsStringAsync();
                        if (response.StatusCode == HttpStatusCode.Conflict)
                        {
                            // Committed before the crash but never acknowledged: continue from what the ledger anchored.
                            gateway.AnchoredSize = long.Parse(body.AsSpan().TrimEnd('\n'), CultureInfo.InvariantCulture);
                            continue;
                        }

                        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
                        Assert.True(LedgerReceipt.TryParse(body, out var receipt));
                        acknowledged.Add((note, receipt));
                        gateway.AnchoredSize = size;
                        note = null;
                        if (acknowledged.Count >= 30)
                        {
                            enoughBeforeKill.TrySetResult();
                        }

                        if (restarted.Task.IsCompleted)
                        {
                            anchoredAfterRestart++;
                            Interlocked.Increment(ref afterRestart);
                        }
                    }
                }
            })).ToArray();

            await enoughBeforeKill.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await ledger.KillAsync();
            var beforeKill = acknowledged.ToArray();
            await ledger.DisposeAsync();

            ledger = await LedgerProcess.StartAsync(settings, port);
            restarted.TrySetResult();
            await Task.WhenAll(submitters).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(afterRestart >= 15);

            // Every receipt acknowledged before the kill still verifies against the new checkpoint.
            var (_, latestNote) = await GetAsync(http, "checkpoint");
            foreach (var (note, receipt) in beforeKill)
            {
                Assert.True(Checkpoint.TryParseBody(SignedNote.TryParse(note, out var parsed) ? parsed.Text : null, out var checkpoint));
                var (status, text) = await GetAsync(http, $"receipt?origin={checkpoint.Origin}&size={checkpoint.Size}");
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.True(LedgerReceipt.TryParse(text, out var fresh));
                Assert.Equal(receipt.Index, fresh.Index);
                Assert.Equal(ReceiptFailure.None, fresh.Verify(note, [ledgerKey], "mediot.example/ledger", [], 0));
                Assert.Equal(ReceiptFailure.None, receipt.Verify(note, [ledgerKey], "mediot.example/ledger", [], 0));
            }

            // One tree explains every ledger checkpoint, before and after the crash: they are all consistent.
            var leaves = new Dictionary<long, string>();
            foreach (var (origin, size, note) in sent)
            {
                var (status, text) = await GetAsync(http, $"receipt?origin={origin}&size={size}");
                if (status == HttpStatusCode.OK && LedgerReceipt.TryParse(text, out var receipt))
                {
                    leaves[receipt.Index] = note;
                }
            }

            Assert.True(Checkpoint.TryOpen(latestNote, [ledgerKey], "mediot.example/ledger", out var latest, out _));
            Assert.Equal(latest.Size, leaves.Count);
            using var replica = TemporaryDirectory.Create("ledger-replica");
            using var replicaLog = MerkleLog.Open(replica.Path);
            replicaLog.AppendBatch([.. Enumerable.Range(0, leaves.Count).Select(i => (ReadOnlyMemory<byte>)LedgerReceipt.LeafFor(leaves[i]))]);
            Assert.Equal(replicaLog.GetRootHash(latest.Size), latest.RootHash.ToArray());
            foreach (var (_, receipt) in acknowledged)
            {
                Assert.True(Checkpoint.TryOpen(receipt.LedgerCheckpoint, [ledgerKey], null, out var signed, out _));
                Assert.Equal(replicaLog.GetRootHash(signed.Size), signed.RootHash.ToArray());
            }
        }
        finally
        {
            await ledger.DisposeAsync();
            foreach (var gateway in gateways)
            {
                gateway.Dispose();
            }
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

public sealed class SqliteRestartTests : RestartTests
{
    protected override Task<Dictionary<string, string?>> SettingsAsync(string folder) => Task.FromResult(TestLedger.Settings(folder));
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRestartTests(PostgresFixture postgres) : RestartTests
{
    protected override async Task<Dictionary<string, string?>> SettingsAsync(string folder) =>
        TestLedger.Settings(folder, await postgres.NewDatabaseAsync());
}
