using System.Text;
using MedIoT.Cryptography;
using MedIoT.Gateway.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Anchoring;

/// <summary>The feed of kept checkpoints: only new complete records, only growing checkpoints signed by the journal's key.</summary>
public sealed class CheckpointFeedTests : IDisposable
{
    private const string Origin = "mediot.example/ward7a/gw-feed";
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("checkpoint-feed");
    private readonly Ed25519PrivateKey _key = Ed25519PrivateKey.Generate();
    private readonly Ed25519PrivateKey _otherKey = Ed25519PrivateKey.Generate();

    private string File => _folder.Combine("checkpoints.notes");

    private string Note(long size, Ed25519PrivateKey? key = null) =>
        SignedNote.Sign(new Checkpoint(Origin, size, new byte[32]).FormatBody(), Origin, key ?? _key);

    private void Append(string text) => System.IO.File.AppendAllText(File, text, new UTF8Encoding(false));

    private static string Record(string note) => Encoding.UTF8.GetByteCount(note) + "\n" + note;

    [Fact]
    public void Only_new_complete_growing_checkpoints_by_the_journal_key_are_read()
    {
        var feed = new CheckpointFeed(File, NoteVerifierKey.Create(Origin, _key.PublicKey));
        var problems = new List<string>();
        Assert.Empty(feed.ReadNew((_, reason) => problems.Add(reason)));

        Append(Record(Note(3)) + Record(Note(5)));
        var torn = Record(Note(8));
        Append(torn[..(torn.Length / 2)]);
        Assert.Equal([3L, 5L], feed.ReadNew((_, reason) => problems.Add(reason)).Select(c => c.Size));
        Assert.True(feed.Signed(5));
        Assert.False(feed.Signed(4));

        // The torn record completes; then a note by another key and one that does not grow are skipped and reported.
        Append(torn[(torn.Length / 2)..] + Record(Note(9, _otherKey)) + Record(Note(8)) + Record(Note(12)));
        var next = feed.ReadNew((_, reason) => problems.Add(reason));
        Assert.Equal([8L, 12L], next.Select(c => c.Size));
        Assert.Equal(Note(12), next[^1].Note);
        Assert.Equal(2, problems.Count);
        Assert.Empty(feed.ReadNew((_, reason) => problems.Add(reason)));
        Assert.Equal(12, feed.LatestSize);
    }

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
        _folder.Dispose();
    }
}
