using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Service.Storage;
using MedIoT.Ledger.Service.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Ledger.Service.Tests.Storage;

/// <summary>The same behaviour asked of both stores, against a real SQLite file and a real PostgreSQL server.</summary>
public abstract class LedgerStoreTests
{
    protected abstract Task<ILedgerStore> CreateStoreAsync();

    /// <summary>Opens the same database again (a restart).</summary>
    protected abstract ILedgerStore Reopen();

    [Fact]
    public async Task Committed_batch_is_loaded_again_after_a_restart()
    {
        var store = await CreateStoreAsync();
        await using (store)
        {
            var empty = await store.OpenAsync(CancellationToken.None);
            Assert.Empty(empty.LeafHashes);
            Assert.Null(empty.LatestCheckpoint);

            await store.CommitAsync(Batch(0, ("gw/a", 3), ("gw/b", 5), ("gw/a", 7)), CancellationToken.None);
            await store.CommitAsync(Batch(3, ("gw/b", 9)), CancellationToken.None);
        }

        await using var reopened = Reopen();
        var state = await reopened.OpenAsync(CancellationToken.None);
        Assert.Equal(4, state.LeafHashes.Count);
        Assert.Equal(MerkleHash.HashLeaf("note gw/b 9"u8), state.LeafHashes[3]);
        Assert.Equal(7, state.LatestAnchors["gw/a"].Size);
        Assert.Equal(2, state.LatestAnchors["gw/a"].LeafIndex);
        Assert.Equal(9, state.LatestAnchors["gw/b"].Size);
        Assert.Equal(4, state.LatestCheckpoint!.Size);
        Assert.Equal("checkpoint 4", state.LatestCheckpoint.Note);
        var older = await reopened.FindAnchorAsync("gw/b", 5, CancellationToken.None);
        Assert.Equal(1, older!.LeafIndex);
        Assert.Equal("note gw/b 5", older.Note);
        Assert.Null(await reopened.FindAnchorAsync("gw/b", 6, CancellationToken.None));
    }

    [Fact]
    public async Task A_second_writer_cannot_reuse_a_leaf_index()
    {
        await using var store = await CreateStoreAsync();
        await store.OpenAsync(CancellationToken.None);
        await store.CommitAsync(Batch(0, ("gw/a", 1)), CancellationToken.None);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => store.CommitAsync(Batch(0, ("gw/a", 2)), CancellationToken.None));
        var state = await store.OpenAsync(CancellationToken.None);
        Assert.Single(state.LeafHashes);
        Assert.Equal(1, state.LatestAnchors["gw/a"].Size);
    }

    [Fact]
    public async Task Cosignatures_witness_sizes_and_evidence_are_kept()
    {
        await using (var store = await CreateStoreAsync())
        {
            await store.OpenAsync(CancellationToken.None);
            var batch = Batch(0, ("gw/a", 1));
            batch.Evidence.Add(new ForkEvidence(0, "gw/a", ForkReason.InconsistentProof, 1000, "old 1\n\nrefused", "conflicting"));
            batch.Evidence.Add(new ForkEvidence(0, "gw/a", ForkReason.SameSizeDifferentRoot, 2000, "old 1\n\nrefused 2", "conflicting 2"));
            await store.CommitAsync(batch, CancellationToken.None);
            Assert.True(batch.StoredEvidence[1].Id > batch.StoredEvidence[0].Id);
            await store.RecordCosignatureAsync(new LedgerCheckpointRecord(1, "checkpoint 1 cosigned"), "witness-1", CancellationToken.None);
        }

        await using var reopened = Reopen();
        var state = await reopened.OpenAsync(CancellationToken.None);
        Assert.Equal("checkpoint 1 cosigned", state.LatestCheckpoint!.Note);
        Assert.Equal(1, state.WitnessSizes["witness-1"]);
        Assert.Equal("checkpoint 1 cosigned", (await reopened.FindCheckpointAsync(1, CancellationToken.None))!.Note);
        var evidence = await reopened.ListEvidenceAsync(10, CancellationToken.None);
        Assert.Equal(2, evidence.Count);
        Assert.Equal(ForkReason.SameSizeDifferentRoot, evidence[0].Reason);
        Assert.Equal("conflicting 2", evidence[0].ConflictingNote);
        Assert.Equal(1000, evidence[1].DetectedAtUnixMilliseconds);
    }

    private static LedgerBatch Batch(long firstLeaf, params (string Origin, long Size)[] anchors)
    {
        var batch = new LedgerBatch();
        foreach (var (origin, size) in anchors)
        {
            var note = $"note {origin} {size}";
            batch.Anchors.Add(new AnchoredCheckpoint(firstLeaf++, origin, size, new byte[32], note));
            batch.LeafHashes.Add(MerkleHash.HashLeaf(System.Text.Encoding.UTF8.GetBytes(note)));
        }

        batch.Checkpoint = new LedgerCheckpointRecord(firstLeaf, $"checkpoint {firstLeaf}");
        return batch;
    }
}

public sealed class SqliteLedgerStoreTests : LedgerStoreTests, IDisposable
{
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("ledger-store");

    protected override Task<ILedgerStore> CreateStoreAsync() => Task.FromResult<ILedgerStore>(Reopen());

    protected override ILedgerStore Reopen() => new SqliteLedgerStore(_folder.Combine("ledger.db"));

    [Fact]
    public async Task Database_of_another_schema_version_is_refused()
    {
        await using (var store = Reopen())
        {
            await store.OpenAsync(CancellationToken.None);
        }

        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_folder.Combine("ledger.db")};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE schema_version SET version = 99";
            await command.ExecuteNonQueryAsync();
        }

        await using var reopened = Reopen();
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => reopened.OpenAsync(CancellationToken.None));
        Assert.Contains("schema version 99", refusal.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresLedgerStoreTests(PostgresFixture postgres) : LedgerStoreTests
{
    private string? _connectionString;

    protected override async Task<ILedgerStore> CreateStoreAsync()
    {
        _connectionString = await postgres.NewDatabaseAsync();
        return Reopen();
    }

    protected override ILedgerStore Reopen() => new PostgresLedgerStore(_connectionString!);
}
