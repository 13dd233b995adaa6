using System.Text;
using MedIoT.Cryptography;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Support;

/// <summary>
/// A gateway as the ledger sees it: an Ed25519 key and a real MerkleLog, signing its checkpoints with its origin as key
/// name (as the gateway's CheckpointSigner does) and tracking what it anchored.
/// </summary>
internal sealed class FakeGateway : IDisposable
{
    private readonly TemporaryDirectory _folder;
    private readonly Ed25519PrivateKey _key;
    private int _entries;

    public FakeGateway(string origin, Ed25519PrivateKey? key = null)
    {
        Origin = origin;
        _key = key ?? Ed25519PrivateKey.Generate();
        _folder = TemporaryDirectory.Create("fake-gateway");
        Log = MerkleLog.Open(_folder.Path);
        VerifierKey = NoteVerifierKey.Create(origin, _key.PublicKey);
    }

    public string Origin { get; }

    public NoteVerifierKey VerifierKey { get; }

    public MerkleLog Log { get; }

    /// <summary>The size the ledger last acknowledged.</summary>
    public long AnchoredSize { get; set; }

    /// <summary>Appends <paramref name="count"/> entries and signs the new checkpoint.</summary>
    public string Grow(int count)
    {
        var entries = new List<ReadOnlyMemory<byte>>(count);
        for (var i = 0; i < count; i++)
        {
            entries.Add(Encoding.UTF8.GetBytes($"{Origin} entry {_entries++}"));
        }

        Log.AppendBatch(entries);
        return Sign(Log.Size, Log.GetRootHash(Log.Size));
    }

    /// <summary>Signs any (size, root) with the gateway's key: a compromised gateway can sign a rewritten history.</summary>
    public string Sign(long size, ReadOnlySpan<byte> root) => SignedNote.Sign(new Checkpoint(Origin, size, root).FormatBody(), Origin, _key);

    /// <summary>
    /// Signs a checkpoint of another log, <paramref name="origin"/>, with this gateway's key under its own name (a gateway
    /// whose key vouches for a log it is not): the ledger must refuse it.
    /// </summary>
    public string SignForOrigin(string origin, long size, ReadOnlySpan<byte> root) =>
        SignedNote.Sign(new Checkpoint(origin, size, root).FormatBody(), Origin, _key);

    /// <summary>The add-checkpoint body for <paramref name="note"/> with the proof from the anchored size.</summary>
    public string RequestFor(string note, long? oldSize = null)
    {
        var old = oldSize ?? AnchoredSize;
        Assert.True(Checkpoint.TryParseBody(SignedNote.TryParse(note, out var parsed) ? parsed.Text : null, out var checkpoint));
        var proof = old == 0 || old > Log.Size || checkpoint.Size > Log.Size ? [] : Log.GetConsistencyProof(old, checkpoint.Size);
        return new AddCheckpointRequest(old, proof, note).Format();
    }

    public void Dispose()
    {
        Log.Dispose();
        _key.Dispose();
        _folder.Dispose();
    }
}
