using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Journal;

/// <summary>The journal on disk: sequence history across restarts, its snapshot, and the kept checkpoints.</summary>
public sealed class GatewayJournalTests : IDisposable
{
    private const int Window = 64;
    private const string Origin = "mediot.example/ward7a/gw-journal-test";
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("journal");
    private readonly TestDevice _device = new("ward7a-bed01-spo2");
    private readonly GatewayIdentity _identity;
    private readonly DeviceRegistry _registry;

    public GatewayJournalTests()
    {
        _identity = GatewayIdentity.LoadOrCreate(_folder.Combine("identity", "gateway-key.jwk"), Origin, out _);
        _registry = new DeviceRegistry([_device.Registration]);
    }

    private string JournalFolder => _folder.Combine("journal");

    [Fact]
    public void After_a_restart_a_redelivered_frame_is_a_duplicate_and_other_content_with_a_journaled_sequence_is_a_conflict()
    {
        var first = _device.Sign(_device.Frame(sequence: 1));
        var second = _device.Sign(_device.Frame(sequence: 2));
        using (var journal = Open())
        {
            var verifier = Verifier(journal);
            journal.Append([Accept(verifier, first), Accept(verifier, second)]);
        }

        using (var reopened = Open())
        {
            Assert.Equal(2, reopened.Size);
            var verifier = Verifier(reopened);
            Assert.True(verifier.Verify(_device.Topic, first).IsDuplicate);
            Assert.True(verifier.Verify(_device.Topic, second).IsDuplicate);
            var conflict = verifier.Verify(_device.Topic, _device.Sign(_device.Frame(sequence: 2, saturation: 90)));
            Assert.Equal(FrameRejectionReason.SequenceConflict, conflict.Reason);
            Assert.NotNull(verifier.Verify(_device.Topic, _device.Sign(_device.Frame(sequence: 3))).Frame);
        }
    }

    [Fact]
    public void After_a_restart_an_old_frame_replayed_before_the_device_sends_again_is_a_replay()
    {
        // docs/device-protocol.md §6: the history comes back from the journal, also when the snapshot was written with
        // another window (then the whole journal is replayed with the new one).
        var tokens = Enumerable.Range(1, 100).Select(s => _device.Sign(_device.Frame(sequence: s))).ToArray();
        using (var journal = Open())
        {
            var verifier = Verifier(journal);
            journal.Append([.. tokens.Select(t => Accept(verifier, t))]);
            Assert.Equal(100, journal.SignCheckpoint());
        }

        using var reopened = Open(Window / 2);
        Assert.Equal(0, reopened.RestoredFromSnapshotAt);
        var restored = new FrameVerifier(_registry, Options.Create(new IngestionOptions { ReplayWindow = Window / 2 }), reopened.CreateSequenceHistory(), TimeProvider.System);
        Assert.Equal(FrameRejectionReason.ReplayedSequence, restored.Verify(_device.Topic, tokens[0]).Reason);
        Assert.Equal(FrameRejectionReason.ReplayedSequence, restored.Verify(_device.Topic, tokens[100 - (Window / 2) - 1]).Reason);
        Assert.True(restored.Verify(_device.Topic, tokens[100 - (Window / 2)]).IsDuplicate);
        Assert.True(restored.Verify(_device.Topic, tokens[^1]).IsDuplicate);
    }

    [Fact]
    public void Start_up_restores_the_history_from_the_snapshot_and_replays_only_the_tail()
    {
        var tokens = Enumerable.Range(1, 15).Select(s => _device.Sign(_device.Frame(sequence: s))).ToArray();
        using (var journal = Open())
        {
            var verifier = Verifier(journal);
            journal.Append([.. tokens[..10].Select(t => Accept(verifier, t))]);
            Assert.Equal(10, journal.SignCheckpoint());
            journal.Append([.. tokens[10..].Select(t => Accept(verifier, t))]);
        }

        using var reopened = Open();
        Assert.Equal(10, reopened.RestoredFromSnapshotAt);
        var restored = Verifier(reopened);
        Assert.All(tokens, t => Assert.True(restored.Verify(_device.Topic, t).IsDuplicate));
    }

    [Fact]
    public void Each_snapshot_replaces_the_last_whole_although_the_journal_reuses_one_buffer_for_them()
    {
        // One device in the first snapshot, two in the second: the reused buffer must hold exactly the second.
        using var other = new TestDevice("ward7a-bed02-spo2");
        var registry = new DeviceRegistry([_device.Registration, other.Registration]);
        var tokens = Enumerable.Range(1, 6).Select(s => (_device.Topic, Token: _device.Sign(_device.Frame(sequence: s)))).ToArray();
        var otherTokens = Enumerable.Range(1, 3).Select(s => (other.Topic, Token: other.Sign(other.Frame(sequence: s)))).ToArray();
        using (var journal = Open())
        {
            var verifier = Verifier(journal, registry);
            journal.Append([.. tokens[..3].Select(t => Accept(verifier, t.Topic, t.Token))]);
            Assert.Equal(3, journal.SignCheckpoint());
            journal.Append([.. tokens[3..].Concat(otherTokens).Select(t => Accept(verifier, t.Topic, t.Token))]);
            Assert.Equal(9, journal.SignCheckpoint());
        }

        using var reopened = Open();
        Assert.Equal(9, reopened.RestoredFromSnapshotAt);
        var restored = Verifier(reopened, registry);
        Assert.All(tokens.Concat(otherTokens), t => Assert.True(restored.Verify(t.Topic, t.Token).IsDuplicate));
    }

    [Fact]
    public void A_damaged_snapshot_is_ignored_and_the_history_rebuilt_from_the_whole_log()
    {
        var tokens = Enumerable.Range(1, 5).Select(s => _device.Sign(_device.Frame(sequence: s))).ToArray();
        using (var journal = Open())
        {
            var verifier = Verifier(journal);
            journal.Append([.. tokens.Select(t => Accept(verifier, t))]);
            journal.SignCheckpoint();
        }

        var snapshot = Path.Combine(JournalFolder, "replay.snapshot");
        var bytes = File.ReadAllBytes(snapshot);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(snapshot, bytes);

        using var reopened = Open();
        Assert.Equal(0, reopened.RestoredFromSnapshotAt);
        var restored = Verifier(reopened);
        Assert.All(tokens, t => Assert.True(restored.Verify(_device.Topic, t).IsDuplicate));
    }

    [Fact]
    public void Every_signed_checkpoint_is_kept_and_the_log_stays_consistent_with_each()
    {
        using var journal = Open();
        var verifier = Verifier(journal);
        for (var round = 0; round < 4; round++)
        {
            journal.Append([Accept(verifier, _device.SignNext()), Accept(verifier, _device.SignNext())]);
            Assert.Equal(2 * (round + 1), journal.SignCheckpoint());
        }

        Assert.Equal(-1, journal.SignCheckpoint()); // nothing new: no new checkpoint
        var key = NoteVerifierKey.Create(Origin, _identity.PublicKey);
        var checkpoints = JournalChecks.AssertConsistentWithEveryCheckpoint(journal.Log, JournalFolder, key, []);
        Assert.Equal([2L, 4L, 6L, 8L], checkpoints.Select(c => c.Size));
    }

    [Fact]
    public void A_checkpoint_signed_just_before_a_crash_is_kept_at_the_next_start_and_a_torn_record_is_dropped()
    {
        using (var journal = Open())
        {
            var verifier = Verifier(journal);
            journal.Append([Accept(verifier, _device.SignNext())]);
            journal.SignCheckpoint();
            journal.Append([Accept(verifier, _device.SignNext())]);
            journal.SignCheckpoint();
        }

        // The crash came after the signer persisted the second checkpoint and while it was being appended here.
        var kept = GatewayJournal.ReadCheckpoints(JournalFolder);
        var file = Path.Combine(JournalFolder, GatewayJournal.CheckpointsFileName);
        var whole = File.ReadAllBytes(file);
        File.WriteAllBytes(file, whole[..(whole.Length - 20)]);
        Assert.Single(GatewayJournal.ReadCheckpoints(JournalFolder));

        using var reopened = Open();
        Assert.Equal(kept, GatewayJournal.ReadCheckpoints(JournalFolder));
        var key = NoteVerifierKey.Create(Origin, _identity.PublicKey);
        JournalChecks.AssertConsistentWithEveryCheckpoint(reopened.Log, JournalFolder, key, kept);
    }

    [Fact]
    public void A_frame_without_its_signed_token_is_refused_as_a_programming_error()
    {
        using var journal = Open();
        var frame = new VerifiedFrame(_device.Registration, _device.Frame());
        Assert.Throws<InvalidOperationException>(() => journal.Append([frame]));
        Assert.Equal(0, journal.Size);
    }

    public void Dispose()
    {
        _identity.Dispose();
        _device.Dispose();
        _folder.Dispose();
    }

    private GatewayJournal Open(int window = Window) => GatewayJournal.Open(JournalFolder, _identity, window);

    private FrameVerifier Verifier(GatewayJournal journal, DeviceRegistry? registry = null) =>
        new(registry ?? _registry, Options.Create(new IngestionOptions { ReplayWindow = Window }), journal.CreateSequenceHistory(), TimeProvider.System);

    private VerifiedFrame Accept(FrameVerifier verifier, byte[] token) => Accept(verifier, _device.Topic, token);

    private static VerifiedFrame Accept(FrameVerifier verifier, string topic, byte[] token)
    {
        var outcome = verifier.Verify(topic, token);
        Assert.True(outcome.Frame is not null, $"rejected: {outcome.Reason} {outcome.Detail}");
        return outcome.Frame;
    }
}
