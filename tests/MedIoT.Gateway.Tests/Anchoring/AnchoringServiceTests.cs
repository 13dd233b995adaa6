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
/// The anchoring loop's state machine against the <see cref="ReferenceLedger"/> (a real ledger log, real signatures and
/// receipts), in-process on a real journal: it anchors every checkpoint in order with consistency proofs, keeps
/// verifying receipts, reconciles a lost state through the ledger's 409 without anchoring anything twice, and raises the
/// fork alarm when the ledger holds a checkpoint of ours that the journal never signed.
/// </summary>
public sealed class AnchoringServiceTests : IAsyncLifetime
{
    private const string Origin = "mediot.example/ward7a/gw-anchor-test";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("anchoring");
    private readonly TestDevice _device = new("ward7a-bed01-spo2");
    private readonly GatewayIdentity _identity;
    private readonly ReferenceLedger _ledger = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public AnchoringServiceTests()
    {
        _identity = GatewayIdentity.LoadOrCreate(_folder.Combine("identity", "gateway-key.jwk"), Origin, out _);
        _ledger.Register(NoteVerifierKey.Create(Origin, _identity.PublicKey));
    }

    private NoteVerifierKey GatewayKey => NoteVerifierKey.Create(Origin, _identity.PublicKey);

    public Task InitializeAsync() => _ledger.StartAsync();

    [Fact]
    public async Task Every_checkpoint_is_anchored_in_order_and_a_lost_state_is_reconciled_without_anchoring_twice()
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

        Assert.Equal(sizes, _ledger.AnchoredSizes(Origin));
        Assert.Equal([(0L, sizes[0]), (sizes[0], sizes[1]), (sizes[1], sizes[2])], _ledger.Submissions.Select(s => (s.OldSize, s.Size)));
        AssertEveryReceiptVerifies(journal, sizes);

        // A crash after the ledger answered but before the receipt and the state were kept: both are lost.
        File.Delete(Path.Combine(journal.Folder, AnchorStore.FolderName, "state"));
        File.Delete(AnchorStore.ReceiptPath(journal.Folder, sizes[^1]));
        var submitted = _ledger.Submissions.Count;
        await using (var running = await RunAsync(journal))
        {
            await WaitForAsync(() => running.Status.AnchoredSize == sizes[^1], "the state reconciled with the ledger");
            journal.Append([Accept(verifier, _device.SignNext())]);
            sizes.Add(journal.SignCheckpoint());
            await WaitForAsync(() => running.Status.AnchoredSize == sizes[^1], "the next checkpoint anchored from the reconciled state");
        }

        // One 409 (old size 0), then the new checkpoint from the reconciled size; nothing anchored twice.
        Assert.Equal([(0L, sizes[0], 409), (sizes[2], sizes[3], 200)], _ledger.Submissions.Skip(submitted).Select(s => (s.OldSize, s.Size, s.Status)));
        Assert.Equal(sizes, _ledger.AnchoredSizes(Origin));
        AssertEveryReceiptVerifies(journal, sizes);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 135);
        _logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_ledger_size_the_journal_never_signed_raises_the_fork_alarm_and_nothing_is_anchored()
    {
        // Someone with the gateway's key anchored a different history of size 2 first.
        using (var forked = OpenJournal("forked-journal"))
        {
            var forkVerifier = Verifier(forked);
            forked.Append([Accept(forkVerifier, _device.Sign(_device.Frame(sequence: 900))), Accept(forkVerifier, _device.Sign(_device.Frame(sequence: 901)))]);
            Assert.Equal(2, forked.SignCheckpoint());
            using var http = new HttpClient { BaseAddress = _ledger.Url };
            using var response = await http.PostAsync(new Uri("add-checkpoint", UriKind.Relative),
                new StringContent(new AddCheckpointRequest(0, [], GatewayJournal.ReadCheckpoints(forked.Folder)[^1]).Format()));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

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
        Assert.Equal([2L], _ledger.AnchoredSizes(Origin));
        Assert.Empty(AnchorStoreReceipts(journal));
    }

    [Fact]
    public async Task An_unregistered_gateway_is_refused_counted_and_retried_until_the_ledger_registers_it()
    {
        await using var ledger = new ReferenceLedger();
        await ledger.StartAsync();
        using var journal = OpenJournal("journal");
        var verifier = Verifier(journal);
        journal.Append([Accept(verifier, _device.SignNext())]);
        Assert.Equal(1, journal.SignCheckpoint());
        await using var running = await RunAsync(journal, ledger);
        await WaitForAsync(() => running.Status.Refused >= 2, "404 refusals, retried");
        Assert.Equal(0, running.Status.AnchoredSize);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 133 && e.Level == LogLevel.Error);
        ledger.Register(GatewayKey);
        await WaitForAsync(() => running.Status.AnchoredSize == 1, "anchored once registered");
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

        _ledger.Overload(3);
        await using (var running = await RunAsync(journal))
        {
            await WaitForAsync(() => running.Status.AnchoredSize == sizes[^1], "anchored after the ledger recovers");
            Assert.Equal(3, running.Status.Unavailable);
            Assert.Equal(0, running.Status.Refused);
        }

        Assert.Equal([503, 503, 503, 200, 200], _ledger.Submissions.Select(s => s.Status));
        Assert.Equal([sizes[0], sizes[0], sizes[0], sizes[0], sizes[1]], _ledger.Submissions.Select(s => s.Size));
        Assert.Equal(sizes, _ledger.AnchoredSizes(Origin));
        AssertEveryReceiptVerifies(journal, sizes);
        Assert.Single(_logs.Entries, e => e.EventId.Id == 131);
        Assert.Single(_logs.Entries, e => e.EventId.Id == 132);
        _logs.AssertNoErrors();
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
            Assert.Equal(ReceiptFailure.None, receipt.Verify(notes[i], [_ledger.VerifierKey], ReferenceLedger.Origin, [], 0));
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

    private async Task<RunningService> RunAsync(GatewayJournal journal, ReferenceLedger? ledger = null)
    {
        var options = Options.Create(new AnchoringOptions
        {
            LedgerUrl = (ledger ?? _ledger).Url.ToString(),
            LedgerKey = (ledger ?? _ledger).VerifierKey.ToString(),
            PollIntervalMilliseconds = 20,
            RetryInitialDelayMilliseconds = 20,
            RetryMaximumDelayMilliseconds = 200,
        });
        var http = new HttpClient { BaseAddress = (ledger ?? _ledger).Url, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
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
