using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;

namespace MedIoT.Ledger.Tests.Checkpoints;

public sealed class CheckpointTests
{
    private const string Origin = "mediot.example/ward7/gw1";

    private static ReadOnlyMemory<byte>[] Entries(int count, int salt = 0) =>
        [.. Enumerable.Range(0, count).Select(i => (ReadOnlyMemory<byte>)BitConverter.GetBytes((i * 1000) + salt))];

    [Fact]
    public void A_body_formats_as_origin_size_and_base64_root_lines_and_parses_back()
    {
        var root = MerkleHash.HashLeaf([]);
        var checkpoint = new Checkpoint(Origin, 1, root);
        var body = checkpoint.FormatBody();
        Assert.Equal($"{Origin}\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n", body);
        Assert.True(Checkpoint.TryParseBody(body, out var parsed));
        Assert.Equal(Origin, parsed.Origin);
        Assert.Equal(1, parsed.Size);
        Assert.Equal(root, parsed.RootHash.ToArray());
        Assert.True(Checkpoint.TryParseBody(body + "extension line\n", out parsed));
        Assert.Equal("extension line", Assert.Single(parsed.Extensions));
    }

    [Theory]
    [InlineData("o\n01\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n")]
    [InlineData("o\n-1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n")]
    [InlineData("o\n+1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n")]
    [InlineData("o\n9223372036854775808\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n")]
    [InlineData("o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0\n")]
    [InlineData("o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB1=\n")]
    [InlineData("o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoA==\n")]
    [InlineData("o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=")]
    [InlineData("o\n1\n")]
    [InlineData("\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n")]
    [InlineData("o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n\n")]
    [InlineData("o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\r\n")]
    public void Malformed_bodies_are_rejected(string body)
    {
        Assert.False(Checkpoint.TryParseBody(body, out _));
    }

    [Fact]
    public void The_signer_signs_consistent_checkpoints_and_refuses_a_fork_across_a_restart()
    {
        using var folder = TemporaryDirectory.Create("signer");
        using var key = Ed25519PrivateKey.Generate();
        var state = folder.Combine("checkpoint.note");
        using var log = MerkleLog.Open(folder.Combine("log"));
        log.AppendBatch(Entries(5));

        var signer = CheckpointSigner.Open(Origin, key, state);
        Assert.Null(signer.LastSigned);
        Assert.True(signer.TrySignLatest(log, out var note, out var refusal));
        Assert.Equal(SigningRefusal.None, refusal);
        Assert.True(Checkpoint.TryOpen(note, [signer.VerifierKey], Origin, out var first, out var failure), failure.ToString());
        Assert.Equal(5, first.Size);
        Assert.Equal(log.GetRootHash(5), first.RootHash.ToArray());

        log.AppendBatch(Entries(3, salt: 1));
        Assert.True(signer.TrySignLatest(log, out _, out _));

        // A restart: the new instance remembers size 8 and its root from the state file.
        var restarted = CheckpointSigner.Open(Origin, key, state);
        Assert.Equal(8, restarted.LastSigned!.Size);
        Assert.Equal(log.GetRootHash(8), restarted.LastSigned.RootHash.ToArray());

        // A different log of size 10 (a fork): no proof from (8, root) can make it consistent.
        using var fork = MerkleLog.Open(folder.Combine("fork"));
        fork.AppendBatch(Entries(10, salt: 7));
        Assert.False(restarted.TrySignLatest(fork, out var forged, out refusal));
        Assert.Null(forged);
        Assert.Equal(SigningRefusal.Inconsistent, refusal);
        Assert.False(restarted.TrySign(7, log.GetRootHash(7), [], out _, out refusal));
        Assert.Equal(SigningRefusal.SizeDecreased, refusal);
        Assert.False(restarted.TrySign(8, fork.GetRootHash(8), [], out _, out refusal));
        Assert.Equal(SigningRefusal.Inconsistent, refusal);
        Assert.Equal(8, CheckpointSigner.Open(Origin, key, state).LastSigned!.Size);

        // The genuine log grows and the restarted signer goes on.
        log.AppendBatch(Entries(4, salt: 2));
        Assert.True(restarted.TrySignLatest(log, out note, out _));
        Assert.True(Checkpoint.TryOpen(note, [restarted.VerifierKey], Origin, out var latest, out _));
        Assert.Equal(12, latest.Size);
        Assert.False(File.Exists(state + ".tmp"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state));
        }
    }

    [Fact]
    public void A_tampered_or_foreign_state_file_stops_the_signer()
    {
        using var folder = TemporaryDirectory.Create("signer");
        using var key = Ed25519PrivateKey.Generate();
        using var otherKey = Ed25519PrivateKey.Generate();
        var state = folder.Combine("checkpoint.note");
        var signer = CheckpointSigner.Open(Origin, key, state);
        Assert.True(signer.TrySign(0, MerkleHash.EmptyRoot, [], out _, out _));

        Assert.Throws<InvalidDataException>(() => CheckpointSigner.Open(Origin, otherKey, state));
        Assert.Throws<InvalidDataException>(() => CheckpointSigner.Open("another.origin/log", key, state));
        File.WriteAllText(state, File.ReadAllText(state).Replace("\n0\n", "\n1\n", StringComparison.Ordinal));
        Assert.Throws<InvalidDataException>(() => CheckpointSigner.Open(Origin, key, state));
    }

    [Fact]
    public void Checkpoint_open_reports_wrong_origin_and_malformed_bodies()
    {
        using var key = Ed25519PrivateKey.Generate();
        var verifier = NoteVerifierKey.Create(Origin, key.PublicKey);
        var note = SignedNote.Sign(new Checkpoint(Origin, 3, MerkleHash.EmptyRoot).FormatBody(), Origin, key);
        Assert.False(Checkpoint.TryOpen(note, [verifier], "other", out _, out var failure));
        Assert.Equal(NoteFailure.WrongOrigin, failure);
        var notCheckpoint = SignedNote.Sign("hello\n", Origin, key);
        Assert.False(Checkpoint.TryOpen(notCheckpoint, [verifier], null, out _, out failure));
        Assert.Equal(NoteFailure.MalformedCheckpoint, failure);
        Assert.False(Checkpoint.TryOpen("garbage", [verifier], null, out _, out failure));
        Assert.Equal(NoteFailure.MalformedNote, failure);
    }

    [Fact]
    public void A_trusted_key_pins_the_origin_even_when_the_caller_names_none()
    {
        // The log's key signs a checkpoint of another log under its own name: valid signature, wrong origin.
        using var key = Ed25519PrivateKey.Generate();
        using var otherKey = Ed25519PrivateKey.Generate();
        var verifier = NoteVerifierKey.Create(Origin, key.PublicKey);
        var otherLog = NoteVerifierKey.Create("another.origin/log", otherKey.PublicKey);
        var foreign = SignedNote.Sign(new Checkpoint("another.origin/log", 3, MerkleHash.EmptyRoot).FormatBody(), Origin, key);
        Assert.True(SignedNote.TryParse(foreign, out var note) && note.TryVerify([verifier], out _, out _), "the signature itself verifies");
        foreach (var expected in new[] { null, "another.origin/log" })
        {
            Assert.False(Checkpoint.TryOpen(foreign, [verifier], expected, out var opened, out var failure));
            Assert.Null(opened);
            Assert.Equal(NoteFailure.WrongOrigin, failure);
        }

        // Trusting both logs changes nothing: the key that signed is not the key of the origin the checkpoint claims.
        Assert.False(Checkpoint.TryOpen(foreign, [verifier, otherLog], null, out _, out var both));
        Assert.Equal(NoteFailure.WrongOrigin, both);

        // A checkpoint of the key's own origin opens with no origin given, and with a second signature by the other log's key.
        var own = SignedNote.Sign(new Checkpoint(Origin, 3, MerkleHash.EmptyRoot).FormatBody(), Origin, key);
        Assert.True(Checkpoint.TryOpen(own, [verifier, otherLog], null, out var checkpoint, out _));
        Assert.Equal(Origin, checkpoint.Origin);
        var cosigned = own + SignedNote.Sign(new Checkpoint(Origin, 3, MerkleHash.EmptyRoot).FormatBody(), "another.origin/log", otherKey).Split('\n')[^2] + "\n";
        Assert.True(Checkpoint.TryOpen(cosigned, [verifier, otherLog], null, out _, out var cosignedFailure), cosignedFailure.ToString());
        Assert.False(Checkpoint.TryOpen(cosigned, [otherLog], null, out _, out cosignedFailure));
        Assert.Equal(NoteFailure.WrongOrigin, cosignedFailure);
    }
}
