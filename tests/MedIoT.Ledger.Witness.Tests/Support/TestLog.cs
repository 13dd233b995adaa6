using System.Globalization;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Storage;

namespace MedIoT.Ledger.Witness.Tests.Support;

/// <summary>
/// A real durable <see cref="MerkleLog"/> with a signing key and an origin, standing in for the ledger: it signs
/// checkpoints at any size it holds and builds add-checkpoint bodies with real consistency proofs.
/// </summary>
internal sealed class TestLog : IDisposable
{
    public const string DefaultOrigin = "mediot.example/ledger";

    private readonly MerkleLog _log;

    private TestLog(MerkleLog log, Ed25519PrivateKey key, string origin)
    {
        _log = log;
        Key = key;
        Origin = origin;
        VerifierKey = NoteVerifierKey.Create(origin, key.PublicKey);
    }

    public string Origin { get; }

    public Ed25519PrivateKey Key { get; }

    public NoteVerifierKey VerifierKey { get; }

    public long Size => _log.Size;

    /// <summary>Creates a log of <paramref name="size"/> entries "entry 0".. in <paramref name="folder"/>; entries from
    /// <paramref name="forkFrom"/> on say "fork" instead, so two such logs share their first forkFrom entries only.</summary>
    public static TestLog Create(string folder, long size, Ed25519PrivateKey? key = null, string origin = DefaultOrigin, long forkFrom = long.MaxValue)
    {
        var log = new TestLog(MerkleLog.Open(folder), key ?? Ed25519PrivateKey.Generate(), origin);
        log.Append(size, forkFrom);
        return log;
    }

    /// <summary>Appends entries until the log holds <paramref name="size"/>.</summary>
    public void Append(long size, long forkFrom = long.MaxValue)
    {
        const int Batch = 256;
        while (_log.Size < size)
        {
            var start = _log.Size;
            var count = (int)Math.Min(Batch, size - start);
            var entries = new List<ReadOnlyMemory<byte>>(count);
            for (var i = start; i < start + count; i++)
            {
                entries.Add(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{(i >= forkFrom ? "fork" : "entry")} {i}")));
            }

            _log.AppendBatch(entries);
        }
    }

    public byte[] Root(long size) => _log.GetRootHash(size);

    /// <summary>The checkpoint body (note text) at <paramref name="size"/>.</summary>
    public string CheckpointText(long size) => new Checkpoint(Origin, size, Root(size)).FormatBody();

    /// <summary>The signed checkpoint note at <paramref name="size"/>.</summary>
    public string SignedCheckpoint(long size) => SignedNote.Sign(CheckpointText(size), Origin, Key);

    public byte[][] ConsistencyProof(long oldSize, long size) => oldSize == 0 ? [] : _log.GetConsistencyProof(oldSize, size);

    /// <summary>The add-checkpoint body from <paramref name="oldSize"/> to <paramref name="size"/> with a real proof.</summary>
    public string Request(long oldSize, long size) =>
        new AddCheckpointRequest(oldSize, ConsistencyProof(oldSize, size), SignedCheckpoint(size)).Format();

    /// <summary>A copy of <paramref name="key"/> (a forked log signed by the same key owns its own instance).</summary>
    public static Ed25519PrivateKey CopyKey(Ed25519PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var seed = new byte[Ed25519PrivateKey.SeedLength];
        key.ExportSeed(seed);
        return Ed25519PrivateKey.FromSeed(seed);
    }

    public void Dispose()
    {
        _log.Dispose();
        Key.Dispose();
    }
}
