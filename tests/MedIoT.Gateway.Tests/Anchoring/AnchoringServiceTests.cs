using System.Diagnostics.Metrics;
using MedIoT.Gateway.Anchoring;
using MedIoT.Gateway.Configuration;
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
    private readonly CapturingLoggerProvider _logs = new();
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
        _logs.AssertNoErrors();
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
        Assert.Single(_logs.Entries, e => e.EventId.Id == 134 && e.Level == LogLevel.Critical);
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

        Assert.Single(_logs.Entries, e => e.EventId.Id == 150 && e.Level == LogLevel.Critical);
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

        Assert.Single(_logs.Entries, e => e.EventId.Id == 151 && e.Level == LogLevel.Critical);
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
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 133 && e.Level == LogLevel.Error);

        // The operator registers the gateway; the ledger reads its registry at start.
        await ledger.StopAsync();
        ledger.Register(GatewayKey);
        await ledger.StartAsync();
        await WaitForAsync(() => running.Status.AnchoredSize == 1, "anchored once registered");
        Assert.Equal(1, await ledger.AnchoredAsync(Origin));
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
        Assert.Single(_logs.Entries, e => e.EventId.Id == 131);
        Assert.Single(_logs.Entries, e => e.EventId.Id == 132);
        _logs.AssertNoErrors();
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

    private async Task<RunningService> RunAsync(GatewayJournal journal, LedgerServiceProcess? ledger = null)
    {
        var url = ledger?.Url ?? Proxy.Address;
        var options = Options.Create(new AnchoringOptions
        {
            LedgerUrl = url.ToString(),
            LedgerKey = (ledger ?? _ledger).VerifierKey.ToString(),
            PollIntervalMilliseconds = 20,
            RetryInitialDelayMilliseconds = 20,
            RetryMaximumDelayMilliseconds = 200,
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
