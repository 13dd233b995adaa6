using System.Diagnostics.Metrics;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Entries;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Gateway.Tests.Journal;

/// <summary>Group commit: frames become durable in arrival order, and each is acknowledged only once it is durable.</summary>
public sealed class JournalWriterServiceTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("journal-writer");
    private readonly TestDevice _device = new("ward7a-bed02-spo2");
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [Fact]
    public async Task Each_frame_is_acknowledged_in_arrival_order_only_after_it_is_durable_rejections_included()
    {
        using var identity = GatewayIdentity.LoadOrCreate(_folder.Combine("identity", "key.jwk"), "mediot.example/ward7a/gw-writer-test", out _);
        using var journal = GatewayJournal.Open(_folder.Combine("journal"), identity, 64);
        var verifier = new FrameVerifier(new DeviceRegistry([_device.Registration]), Options.Create(new IngestionOptions { ReplayWindow = 64 }),
            journal.CreateSequenceHistory(), TimeProvider.System);
        var queue = new PendingFrameQueue(Options.Create(new IngestionOptions { PendingFrameCapacity = 64 }));
        using var statistics = new JournalStatistics(_metrics.GetRequiredService<IMeterFactory>());

        // Ten arrivals: every third is a rejection (nothing to store) that must still be acknowledged in its place.
        const int Arrivals = 10;
        var acknowledgements = new List<(int Arrival, long SizeAtAcknowledgement, bool Accepted)>();
        var allAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sequences = new List<long>();
        for (var arrival = 0; arrival < Arrivals; arrival++)
        {
            var accepted = arrival % 3 != 2;
            VerifiedFrame? frame = null;
            if (accepted)
            {
                frame = verifier.Verify(_device.Topic, _device.SignNext()).Frame!;
                sequences.Add(frame.Frame.SequenceNumber);
            }

            var number = arrival;
            await queue.Writer.WriteAsync(new PendingFrame(frame, _ =>
            {
                acknowledgements.Add((number, journal.Size, accepted));
                if (acknowledgements.Count == Arrivals)
                {
                    allAcknowledged.SetResult();
                }

                return ValueTask.CompletedTask;
            }));
        }

        var options = Options.Create(new JournalOptions { BatchSize = 4, MaxWaitMilliseconds = 0, CheckpointEveryEntries = 5 });
        using var service = new JournalWriterService(queue, journal, statistics, options, TimeProvider.System, NullLogger<JournalWriterService>.Instance);
        await service.StartAsync(CancellationToken.None);
        await allAcknowledged.Task.WaitAsync(s_timeout);
        await statistics.WaitUntilAsync(s => s.Checkpoints >= 1, s_timeout); // signed off the append path, after five entries
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, Arrivals), acknowledgements.Select(a => a.Arrival));
        var acceptedSoFar = 0;
        foreach (var acknowledgement in acknowledgements)
        {
            acceptedSoFar += acknowledgement.Accepted ? 1 : 0;
            Assert.True(acknowledgement.SizeAtAcknowledgement >= acceptedSoFar, $"arrival {acknowledgement.Arrival} was acknowledged before it was durable");
        }

        // Journaled in arrival order, with the device's own signed bytes and the receive time.
        Assert.Equal(sequences.Count, journal.Size);
        var entries = JournalChecks.ReadEntries(journal.Log);
        Assert.Equal(sequences, entries.Select(e => e.SequenceNumber));
        Assert.All(entries, e => Assert.Equal(EntryAttestation.DeviceSigned, e.Attestation));
        Assert.All(entries, e => Assert.True(e.ReceivedUnixNanoseconds > 0));
        Assert.Equal(sequences.Count, statistics.Appended);

        // Checkpoints (the count trigger fired well before the 10 s timer could) cover the final tree.
        Assert.Equal(journal.Size, statistics.LastCheckpointSize);
        Assert.NotEmpty(GatewayJournal.ReadCheckpoints(journal.Folder));
    }

    [Fact]
    public async Task Frames_still_queued_or_waiting_in_a_batch_when_the_gateway_stops_are_journaled_before_it_stops()
    {
        using var identity = GatewayIdentity.LoadOrCreate(_folder.Combine("identity", "key.jwk"), "mediot.example/ward7a/gw-writer-test", out _);
        using var journal = GatewayJournal.Open(_folder.Combine("journal"), identity, 64);
        var verifier = new FrameVerifier(new DeviceRegistry([_device.Registration]), Options.Create(new IngestionOptions { ReplayWindow = 64 }),
            journal.CreateSequenceHistory(), TimeProvider.System);
        var queue = new PendingFrameQueue(Options.Create(new IngestionOptions { PendingFrameCapacity = 64 }));
        using var statistics = new JournalStatistics(_metrics.GetRequiredService<IMeterFactory>());
        var acknowledged = 0;
        for (var i = 0; i < 3; i++)
        {
            // Serial readings: nothing would ever deliver them again.
            await queue.Writer.WriteAsync(new PendingFrame(verifier.Verify(_device.Topic, _device.SignNext()).Frame, _ =>
            {
                acknowledged++;
                return ValueTask.CompletedTask;
            }));
        }

        // A clock that never moves: the group commit waits for more frames until the stop interrupts it.
        var clock = new WatchingClock(TimeSpan.FromMilliseconds(1000));
        var options = Options.Create(new JournalOptions { BatchSize = 100, MaxWaitMilliseconds = 1000 });
        using var service = new JournalWriterService(queue, journal, statistics, options, clock, NullLogger<JournalWriterService>.Instance);
        await service.StartAsync(CancellationToken.None);
        await clock.Watched.Task.WaitAsync(s_timeout); // the batch of three is filling
        Assert.Equal(0, journal.Size);
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(3, journal.Size);
        Assert.Equal(3, acknowledged);
        Assert.Equal(3, statistics.LastCheckpointSize); // the final checkpoint covers them
    }

    /// <summary>A fake clock that says when a timer of the watched duration (the group commit's wait) is created.</summary>
    private sealed class WatchingClock(TimeSpan watched) : TimeProvider
    {
        private readonly FakeTimeProvider _clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        public TaskCompletionSource Watched { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override DateTimeOffset GetUtcNow() => _clock.GetUtcNow();

        public override long TimestampFrequency => _clock.TimestampFrequency;

        public override long GetTimestamp() => _clock.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = _clock.CreateTimer(callback, state, dueTime, period);
            if (dueTime == watched)
            {
                Watched.TrySetResult();
            }

            return timer;
        }
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _device.Dispose();
        _folder.Dispose();
    }
}
