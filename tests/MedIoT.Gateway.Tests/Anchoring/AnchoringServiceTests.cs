using System.Diagnostics.Metrics;
using MedIoT.Cryptography;
using MedIoT.Gateway.Anchoring;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging.Testing;

namespace MedIoT.Gateway.Tests.Anchoring;

/// <summary>
/// The anchoring loop's state machine, in-process on a real journal, against the real <c>mediot-ledger</c> process
/// (SQLite) behind a <see cref="LedgerFaultProxy"/> that records every submission and can answer 503 (the one fault the
/// real service cannot be asked for): it anchors every checkpoint in order with consistency proofs, keeps verifying
/// receipts, recovers a lost state through the ledger's idempotent answers without anchoring anything twice, raises the
/// fork alarm when the ledger holds a checkpoint of ours that the journal never signed or refuses ours as a fork
/// (409 <c>text/plain</c>), and retries refusals and outages.
/// </summary>
public sealed class AnchoringServiceTests : IAsyncLifetime
{
    private const string Origin = "mediot.example/ward7a/gw-anchor-test";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("anchoring");
    private readonly TestDevice _device = new("ward7a-bed01-spo2");
    private readonly GatewayIdentity _identity;
    private readonly LedgerServiceProcess _ledger;
    private readonly FakeLoggerProvider _logs = TestLogs.CreateProvider();
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private LedgerFaultProxy? _proxy;

    public AnchoringServiceTests()
    {
        _identity = GatewayIdentity.LoadOrCreate(_folder.Combine("identity", "gateway-key.jwk"), Origin, out _);
        _ledger = new LedgerServiceProcess(_folder.Combine("ledger"));
        _ledger.Register(GatewayKey);
    }

    private NoteVerifierKey GatewayKey => NoteVerifierKey.Create(Origin, _identity.PublicKey);

    private LedgerFaultProxy Proxy => _proxy!;

    public async Task InitializeAsync()
    {
        await _ledger.StartAsync();
        _proxy = new LedgerFaultProxy(_ledger.Url);
    }

    [Fact]
    public async Task Every_checkpoint_is_anchored_in_order_and_a_lost_state_is_recovered_without_anchoring_twice()
    {
        using var journal = OpenJournal("journal");
        var verifier = Verifier(journal);
        var sizes = new List<long>();
        for (var round = 0; round < 3; round++)
        {
            journal.Append([.. Enumerable.Range(0, round + 2).Select(_ => Accept(verifier, _device.SignNext()))]);
            sizes.Add(journal.SignCheckpoint());
        }

        await using (var running = await RunAsync(journal))
        {
            await WaitForAsync(() => running.Status.AnchoredSize == sizes[^1], "every checkpoint anchored");
            Assert.Equal(0, running.Status.Unanchored);
        }

        Assert.Equal(sizes[^1], await _ledger.AnchoredAsync(Origin));
        Assert.Equal([(0L, sizes[0], 200), (sizes[0], sizes[1], 200), (sizes[1], sizes[2], 200)], Proxy.Submissions.Select(s => (s.OldSize, s.Size, s.Status)));
        AssertEveryReceiptVerifies(journal, sizes);
        var ledgerSize = (await _ledger.HealthAsync()).GetProperty("size").GetInt64();
        Assert.Equal(3, ledgerSize);

        // A crash after the ledger answered but before the receipt and the state were kept: both are lost.
        File.Delete(Path.Combine(journal.Folder, AnchorStore.FolderName, "state"));
        File.Delete(AnchorStore.ReceiptPath(journal.Folder, sizes[^1]));
        var submitted = Proxy.Submissions.Count;
        await using (var running = await RunAsync(journal))
        {
            await WaitForAsync(() => running.Status.AnchoredSize == sizes[^1], "the state recovered from the ledger");
            journal.Append([Accept(verifier, _device.SignNext())]);
            sizes.Add(journal.SignCheckpoint());
            await WaitForAsync(() => running.Status.AnchoredSize == sizes[^1], "the next checkpoint anchored from the recovered state");
        }

        // The ledger answers the re-submitted checkpoints with their receipts (idempotent) and anchors only the new one.
        Assert.Equal([(0L, sizes[0], 200), (sizes[0], sizes[1], 200), (sizes[1], sizes[2], 200), (sizes[2], sizes[3], 200)],
            Proxy.Submissions.Skip(submitted).Select(s => (s.OldSize, s.Size, s.Status)));
        Assert.Equal(ledgerSize + 1, (await _ledger.HealthAsync()).GetProperty("size").GetInt64());
        Assert.Equal(sizes[^1], await _ledger.AnchoredAsync(Origin));
        AssertEveryReceiptVerifies(journal, sizes);
        _logs.Collector.AssertNoErrors();
    }

    [Fact]
    public async Task A_ledger_size_the_journal_never_signed_raises_the_fork_alarm_and_nothing_is_anchored()
    {
        // Someone with the gateway's key anchored a different history of size 2 first.
        await AnchorForkedHistoryAsync(2);

        using var journal = OpenJournal("journal");
        var verifier = Verifier(journal);
        journal.Append([.. Enumerable.Range(0, 3).Select(_ => Accept(verifier, _device.SignNext()))]);
        Assert.Equal(3, journal.SignCheckpoint());
        await using (var running = await RunAsync(journal))
        {
            await WaitForAsync(() => running.Status.ForkAlarms >= 2, "the fork alarm (and its retry)");
            Assert.Equal(0, running.Status.AnchoredSize);
            Assert.Equal(1, running.Status.Unanchored);
            Assert.StartsWith("FORK ALARM: the ledger holds a checkpoint of size 2", running.Status.LastError.Message, StringComparison.Ordinal);
        }

        // Logged once at Critical for that size, however often it is retried.
        Assert.Single(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.AnchoringForkAlarm && e.Level == LogLevel.Critical);
        Assert.Equal(2, await _ledger.AnchoredAsync(Origin));
        Assert.All(Proxy.Submissions, s => Assert.Equal((0L, 3L, 409), (s.OldSize, s.Size, s.Status)));
        Assert.Empty(AnchorStoreReceipts(journal));
    }

    [Fact]
    public async Task A_checkpoint_the_ledger_refuses_as_a_fork_raises_the_fork_alarm_and_is_never_read_as_a_size()
    {
        // Someone with the gateway's key anchored a different history of size 2; this journal then signs its own size 2.
        await AnchorForkedHistoryAsync(2);

        using var journal = OpenJournal("journal");
        var verifier = Verifier(journal);
        journal.Append([.. Enumerable.Range(0, 2).Select(_ => Accept(verifier, _device.SignNext()))]);
        Assert.Equal(2, journal.SignCheckpoint());
        await using (var running = await RunAsync(journal))
        {
            await WaitForAsync(() => running.Status.ForkAlarms >= 2, "the fork alarm (and its retry)");
            Assert.Equal(0, running.Status.AnchoredSize);
            Assert.Equal(1, running.Status.Unanchored);
            Assert.Equal(0, running.Status.Refused);
            Assert.StartsWith("FORK ALARM: the ledger refused checkpoint 2 (old size 0)", running.Status.LastError.Message, StringComparison.Ordinal);
        }

        Assert.Single(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.AnchoringRefusedAsFork && e.Level == LogLevel.Critical);
        Assert.All(Proxy.Submissions, s => Assert.Equal((0L, 2L, 409), (s.OldSize, s.Size, s.Status)));
        Assert.Equal(2, await _ledger.AnchoredAsync(Origin));
        Assert.True((await _ledger.HealthAsync()).GetProperty("forks").GetInt64() >= 1);
        Assert.Empty(AnchorStoreReceipts(journal));
    }

    [Fact]
    public async Task A_ledger_holding_another_checkpoint_at_a_size_the_journal_signed_raises_the_fork_alarm_and_nothing_is_recorded_as_anchored()
    {
        // Someone with the gateway's key anchored a different history of size 2; this journal signs sizes 1, 2 and 3.
        // Its first submission (size 1) gets 409 with size 2, a size it did sign: the receipt for 2 is not ours.
        await AnchorForkedHistoryAsync(2);

        using var journal = OpenJournal("journal");
        var verifier = Verifier(journal);
        foreach (var size in new[] { 1L, 2L, 3L })
        {
            journal.Append([Accept(verifier, _device.SignNext())]);
            Assert.Equal(size, journal.SignCheckpoint());
        }

        await using (var running = await RunAsync(journal))
        {
            await WaitForAsync(() => running.Status.ForkAlarms >= 2, "the fork alarm (and its retry)");
            Assert.Equal(0, running.Status.AnchoredSize);
            Assert.Equal(3, running.Status.Unanchored);
            Assert.StartsWith("FORK ALARM: the ledger's anchored checkpoint of size 2", running.Status.LastError.Message, StringComparison.Ordinal);
        }

        Assert.Single(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.AnchoringForkNotOurs && e.Level == LogLevel.Critical);
        Assert.All(Proxy.Submissions, s => Assert.Equal((0L, 1L, 409), (s.OldSize, s.Size, s.Status)));
        Assert.False(File.Exists(Path.Combine(journal.Folder, AnchorStore.FolderName, "state")));
        Assert.Equal(2, await _ledger.AnchoredAsync(Origin));
    }

    [Fact]
    public async Task An_unregistered_gateway_is_refused_counted_and_retried_until_the_ledger_registers_it()
    {
        await using var ledger = new LedgerServiceProcess(_folder.Combine("other-ledger"));
        await ledger.StartAsync();
        using var journal = OpenJournal("journal");
        var verifier = Verifier(journal);
        journal.Append([Accept(verifier, _device.SignNext())]);
        Assert.Equal(1, journal.SignCheckpoint());
        await using var running = await RunAsync(journal, ledger);
        await WaitForAsync(() => running.Status.Refused >= 2, "404 refusals, retried");
        Assert.Equal(0, running.Status.AnchoredSize);
        Assert.Contains(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.AnchoringRefused && e.Level == LogLevel.Error);

        // The operator registers the gateway; the ledger reads its registry at start.
        await ledger.StopAsync();
        ledger.Register(GatewayKey);
        await ledger.StartAsync();
        await WaitForAsync(() => running.Status.AnchoredSize == 1, "anchored once registered");
        Assert.Equal(1, await ledger.AnchoredAsync(Origin));
    }

    [Fact]
    public async Task A_receipt_whose_ledger_checkpoint_has_another_origin_than_the_ledger_key_names_is_refused_counted_and_retried()
    {
        using var journal = OpenJournal("journal");
        var verifier = Verifier(journal);
        journal.Append([Accept(verifier, _device.SignNext()), Accept(verifier, _device.SignNext())]);
        var size = journal.SignCheckpoint();

        // Every receipt the ledger answers is re-issued for another ledger's origin, signed with the ledger's own key under
        // its own name (Gateway:Anchoring:LedgerKey): the signature verifies, the inclusion proof leads to the root, only
        // the origin is not the one the trusted key names.
        using var ledgerKey = _ledger.ReadKey();
        Proxy.ChangeReceipts(receipt => ForOtherLedger(receipt, "mediot.example/ledger-b", ledgerKey));
        await using (var running = await RunAsync(journal))
        {
            await WaitForAsync(() => running.Status.WrongLedgerOrigins >= 2, "the refused receipt (and its retry)");
            Assert.Equal(0, running.Status.AnchoredSize);
            Assert.Equal(0, running.Status.BadReceipts);
            Assert.Equal(0, running.Status.ForkAlarms);
            Assert.Contains("(WrongLedgerOrigin)", running.Status.LastError.Message, StringComparison.Ordinal);
            Assert.Empty(AnchorStoreReceipts(journal));
            Assert.Contains(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.AnchoringBadReceipt
                && e.Message.Contains("is for ledger 'mediot.example/ledger-b', not 'mediot.example/ledger'", StringComparison.Ordinal));

            // The ledger's genuine receipt for the same checkpoint (anchored there already) is kept.
            Proxy.ChangeReceipts(null);
            await WaitForAsync(() => running.Status.AnchoredSize == size, "anchored with the genuine receipt");
            Assert.Equal(0, running.Status.BadReceipts);
        }

        AssertEveryReceiptVerifies(journal, [size]);
        Assert.Equal(size, await _ledger.AnchoredAsync(Origin));
    }

    /// <summary>The receipt, its ledger checkpoint's origin replaced by <paramref name="origin"/> and signed again by <paramref name="key"/> under the ledger's name.</summary>
    private static string ForOtherLedger(string receiptText, string origin, Ed25519PrivateKey key)
    {
        Assert.True(LedgerReceipt.TryParse(receiptText, out var receipt), receiptText);
        Assert.True(SignedNote.TryParse(receipt.LedgerCheckpoint, out var note));
        Assert.True(Checkpoint.TryParseBody(note.Text, out var ledger));
        var body = new Checkpoint(origin, ledger.Size, ledger.RootHash).FormatBody();
        return new LedgerReceipt(receipt.Index, receipt.InclusionProof, SignedNote.Sign(body, LedgerServiceProcess.Origin, key)).Format();
    }

    [Fact]
    public async Task A_ledger_answering_503_is_retried_with_backoff_and_nothing_is_skipped()
    {
        using var journal = OpenJournal("journal");
        var verifier = Verifier(journal);
        var sizes = new List<long>();
        for (var round = 0; round < 2; round++)
        {
            journal.Append([Accept(verifier, _device.SignNext()), Accept(verifier, _device.SignNext())]);
            sizes.Add(journal.SignCheckpoint());
        }

        Proxy.Overload(3);
        await using (var running = await RunAsync(journal))
        {
            await WaitForAsync(() => running.Status.AnchoredSize == sizes[^1], "anchored after the ledger recovers");
            Assert.Equal(3, running.Status.Unavailable);
            Assert.Equal(0, running.Status.Refused);
        }

        Assert.Equal([503, 503, 503, 200, 200], Proxy.Submissions.Select(s => s.Status));
        Assert.Equal([sizes[0], sizes[0], sizes[0], sizes[0], sizes[1]], Proxy.Submissions.Select(s => s.Size));
        Assert.Equal(sizes[^1], await _ledger.AnchoredAsync(Origin));
        AssertEveryReceiptVerifies(journal, sizes);
        Assert.Single(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.LedgerUnavailable);
        Assert.Single(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.LedgerAvailableAgain);
        _logs.Collector.AssertNoErrors();
    }

    [Fact]
    public async Task A_ledger_that_anchored_a_later_checkpoint_answers_409_with_its_size_and_anchoring_moves_on_from_its_receipt_without_anchoring_twice()
    {
        using var journal = OpenJournal("journal");
        var verifier = Verifier(journal);
        var sizes = new List<long>();
        journal.Append([Accept(verifier, _device.SignNext()), Accept(verifier, _device.SignNext())]);
        sizes.Add(journal.SignCheckpoint());
        await using (var running = await RunAsync(journal))
        {
            await WaitForAsync(() => running.Status.AnchoredSize == sizes[0], "the first checkpoint anchored");
        }

        for (var round = 0; round < 2; round++)
        {
            journal.Append([Accept(verifier, _device.SignNext())]);
            sizes.Add(journal.SignCheckpoint());
        }

        // Meanwhile the ledger anchored the latest of them straight from the first, with its consistency proof (as another
        // copy of this gateway with the same key and journal would), so it never anchored the middle one. The gateway's
        // state still says the first. (A state restored from an older backup alone does not draw a 409 from the real
        // ledger: it re-answers every checkpoint it anchored with 200, docs/ledger-service.md; only a skipped size does.)
        await SubmitDirectlyAsync(sizes[0], journal.Log.GetConsistencyProof(sizes[0], sizes[2]), GatewayJournal.ReadCheckpoints(journal.Folder)[2]);
        journal.Append([Accept(verifier, _device.SignNext())]);
        sizes.Add(journal.SignCheckpoint());
        var ledgerSize = (await _ledger.HealthAsync()).GetProperty("size").GetInt64();
        var submitted = Proxy.Submissions.Count;
        await using (var running = await RunAsync(journal))
        {
            await WaitForAsync(() => running.Status.AnchoredSize == sizes[^1], "anchored past the ledger's size");
            Assert.Equal(0, running.Status.Unanchored);
            Assert.Equal(0, running.Status.ForkAlarms);
            Assert.Equal(0, running.Status.Refused);
        }

        // One 409 with the ledger's size, then the new checkpoint from there; the ledger grew by exactly that one.
        Assert.Equal([(sizes[0], sizes[1], 409), (sizes[2], sizes[3], 200)], Proxy.Submissions.Skip(submitted).Select(s => (s.OldSize, s.Size, s.Status)));
        Assert.Equal(ledgerSize + 1, (await _ledger.HealthAsync()).GetProperty("size").GetInt64());
        Assert.Equal(sizes[^1], await _ledger.AnchoredAsync(Origin));
        Assert.StartsWith($"size {sizes[^1]}\n", await File.ReadAllTextAsync(Path.Combine(journal.Folder, AnchorStore.FolderName, "state")), StringComparison.Ordinal);
        var logged = Assert.Single(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.AnchoringReconciled);
        Assert.Equal(LogLevel.Warning, logged.Level);

        // Every checkpoint the ledger anchored has a verifying receipt; the skipped one has none (the ledger never
        // anchored it; the next anchored checkpoint covers its entries), said once.
        var notes = GatewayJournal.ReadCheckpoints(journal.Folder);
        foreach (var i in new[] { 0, 2, 3 })
        {
            var text = AnchorStore.ReadReceipt(journal.Folder, sizes[i]);
            Assert.True(text is not null, $"no receipt kept for checkpoint {sizes[i]}");
            Assert.True(LedgerReceipt.TryParse(text, out var receipt));
            Assert.Equal(ReceiptFailure.None, receipt.Verify(notes[i], [_ledger.VerifierKey], LedgerServiceProcess.Origin, [], 0));
        }

        Assert.Null(AnchorStore.ReadReceipt(journal.Folder, sizes[1]));
        Assert.Single(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.AnchoringReceiptMissing);
        _logs.Collector.AssertNoErrors();
    }

    [Fact]
    public async Task A_ledger_slower_than_the_request_timeout_is_unavailable_retried_and_nothing_is_anchored_twice()
    {
        using var journal = OpenJournal("journal");
        var verifier = Verifier(journal);
        var sizes = new List<long>();
        journal.Append([Accept(verifier, _device.SignNext()), Accept(verifier, _device.SignNext())]);
        sizes.Add(journal.SignCheckpoint());

        // Each stalled submission reaches the ledger (and is anchored by it) only after the gateway stopped waiting;
        // the one behind it waits in the proxy's queue, so it times out too.
        Proxy.Stall(2, TimeSpan.FromMilliseconds(1250));
        await using (var running = await RunAsync(journal, requestTimeoutSeconds: 1))
        {
            await WaitForAsync(() => running.Status.Unavailable >= 1, "the first request timed out");
            Assert.Equal("the ledger is unavailable: no answer within 1 s", running.Status.LastError.Message);

            // Ingestion goes on meanwhile: entries are journaled and a checkpoint signed while the ledger is stalled.
            journal.Append([Accept(verifier, _device.SignNext())]);
            sizes.Add(journal.SignCheckpoint());
            await WaitForAsync(() => running.Status.AnchoredSize == sizes[^1], "anchored once the ledger answers in time");
            Assert.True(running.Status.Unavailable >= 2, $"{running.Status.Unavailable} timeouts counted");
            Assert.Equal(0, running.Status.Refused);
            Assert.Equal(0, running.Status.ForkAlarms);
        }

        var submissions = Proxy.Submissions;
        Assert.Equal([true, true], submissions.Take(2).Select(s => s.Stalled));
        Assert.All(submissions.Skip(2), s => Assert.False(s.Stalled));
        Assert.All(submissions.Where(s => s.Size == sizes[0]), s => Assert.Equal((0L, 200), (s.OldSize, s.Status)));
        Assert.Equal((sizes[0], sizes[1], 200), (submissions[^1].OldSize, submissions[^1].Size, submissions[^1].Status));
        Assert.Equal(submissions.Count - 1, submissions.Count(s => s.Size == sizes[0]));

        // The stalled submissions were anchored by the ledger once; the retries got the same anchor back.
        Assert.Equal(2, (await _ledger.HealthAsync()).GetProperty("size").GetInt64());
        Assert.Equal(sizes[^1], await _ledger.AnchoredAsync(Origin));
        AssertEveryReceiptVerifies(journal, sizes);
        Assert.Single(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.LedgerUnavailable);
        Assert.Single(_logs.Collector.GetSnapshot(), e => e.Id.Id == GatewayLogEvents.LedgerAvailableAgain);
        _logs.Collector.AssertNoErrors();
    }

    /// <summary>Submits a checkpoint of this gateway directly to the ledger, as another anchoring copy would.</summary>
    private async Task SubmitDirectlyAsync(long oldSize, byte[][] proof, string note)
    {
        using var http = new HttpClient { BaseAddress = _ledger.Url };
        using var response = await http.PostAsync(new Uri("add-checkpoint", UriKind.Relative), new StringContent(new AddCheckpointRequest(oldSize, proof, note).Format()));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Anchors, directly in the ledger, a checkpoint of <paramref name="size"/> entries of another history signed with the gateway's key.</summary>
    private async Task AnchorForkedHistoryAsync(int size)
    {
        using var forked = OpenJournal("forked-journal");
        var forkVerifier = Verifier(forked);
        forked.Append([.. Enumerable.Range(0, size).Select(i => Accept(forkVerifier, _device.Sign(_device.Frame(sequence: 900 + i))))]);
        Assert.Equal(size, forked.SignCheckpoint());
        using var http = new HttpClient { BaseAddress = _ledger.Url };
        using var response = await http.PostAsync(new Uri("add-checkpoint", UriKind.Relative),
            new StringContent(new AddCheckpointRequest(0, [], GatewayJournal.ReadCheckpoints(forked.Folder)[^1]).Format()));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    private void AssertEveryReceiptVerifies(GatewayJournal journal, IReadOnlyList<long> sizes)
    {
        var notes = GatewayJournal.ReadCheckpoints(journal.Folder);
        Assert.Equal(sizes.Count, notes.Count);
        for (var i = 0; i < sizes.Count; i++)
        {
            var text = AnchorStore.ReadReceipt(journal.Folder, sizes[i]);
            Assert.True(text is not null, $"no receipt kept for checkpoint {sizes[i]}");
            Assert.True(LedgerReceipt.TryParse(text, out var receipt));
            Assert.Equal(ReceiptFailure.None, receipt.Verify(notes[i], [_ledger.VerifierKey], LedgerServiceProcess.Origin, [], 0));
        }
    }

    private static string[] AnchorStoreReceipts(GatewayJournal journal)
    {
        var folder = Path.Combine(journal.Folder, AnchorStore.FolderName, "receipts");
        return Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
    }

    private GatewayJournal OpenJournal(string name) => GatewayJournal.Open(_folder.Combine(name), _identity, 64);

    private FrameVerifier Verifier(GatewayJournal journal) =>
        new(new DeviceRegistry([_device.Registration]), Options.Create(new IngestionOptions { ReplayWindow = 64 }), journal.CreateSequenceHistory(), TimeProvider.System);

    private VerifiedFrame Accept(FrameVerifier verifier, byte[] token)
    {
        var outcome = verifier.Verify(_device.Topic, token);
        Assert.True(outcome.Frame is not null, $"rejected: {outcome.Reason} {outcome.Detail}");
        return outcome.Frame;
    }

    private async Task<RunningService> RunAsync(GatewayJournal journal, LedgerServiceProcess? ledger = null, int requestTimeoutSeconds = 10)
    {
        var url = ledger?.Url ?? Proxy.Address;
        var options = Options.Create(new AnchoringOptions
        {
            LedgerUrl = url.ToString(),
            LedgerKey = (ledger ?? _ledger).VerifierKey.ToString(),
            PollIntervalMilliseconds = 20,
            RetryInitialDelayMilliseconds = 20,
            RetryMaximumDelayMilliseconds = 200,
            RequestTimeoutSeconds = requestTimeoutSeconds,
        });
        var http = new HttpClient { BaseAddress = url, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var status = new AnchoringStatus(_meters.GetRequiredService<IMeterFactory>(), TimeProvider.System);
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        var service = new AnchoringService(journal, new LedgerClient(new OneClient(http), options, TimeProvider.System), status, options, TimeProvider.System,
            loggerFactory.CreateLogger<AnchoringService>());
        await service.StartAsync(CancellationToken.None);
        return new RunningService(service, status, http, loggerFactory);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        // The service runs on its own; its status has no change event, so it is re-read every 20 ms, at most Timeout.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var deadline = TimeProvider.System.GetTimestamp() + (long)(Timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"waited {Timeout.TotalSeconds} s for {what}");
            await timer.WaitForNextTickAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        await _ledger.DisposeAsync();
        await _meters.DisposeAsync();
        _identity.Dispose();
        _device.Dispose();
        _folder.Dispose();
    }

    private sealed class OneClient(HttpClient client) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => client;
    }

    private sealed class RunningService(AnchoringService service, AnchoringStatus status, HttpClient http, ILoggerFactory loggerFactory) : IAsyncDisposable
    {
        public AnchoringStatus Status => status;

        public async ValueTask DisposeAsync()
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
            status.Dispose();
            http.Dispose();
            loggerFactory.Dispose();
        }
    }
}
