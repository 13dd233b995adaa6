namespace MedIoT.Ledger.Service.Storage;

/// <summary>
/// The ledger's durable state: SQLite (one file, the default) or PostgreSQL (a hospital-wide deployment). The ledger's
/// leaves, their leaf hashes, each gateway's latest anchor and the signed ledger checkpoint of a batch are written in
/// one transaction, so the tree rebuilt from the stored leaf hashes after a crash always matches the latest stored
/// checkpoint. One service instance writes a store at a time (the leaf index and checkpoint size are primary keys:
/// a second writer's transaction fails instead of forking the ledger).
/// </summary>
public interface ILedgerStore : IAsyncDisposable
{
    /// <summary>Creates or checks the schema (versioned) and loads the state.</summary>
    /// <exception cref="InvalidOperationException">The schema has a version this build does not know.</exception>
    Task<LedgerState> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Writes a batch in one transaction; durable when the task completes.</summary>
    Task CommitAsync(LedgerBatch batch, CancellationToken cancellationToken);

    /// <summary>The anchored checkpoint of <paramref name="origin"/> at <paramref name="size"/>, or null.</summary>
    Task<AnchoredCheckpoint?> FindAnchorAsync(string origin, long size, CancellationToken cancellationToken);

    /// <summary>The stored ledger checkpoint of <paramref name="size"/>, or null.</summary>
    Task<LedgerCheckpointRecord?> FindCheckpointAsync(long size, CancellationToken cancellationToken);

    /// <summary>Stores a witness's cosignature: the checkpoint's note with the cosignatures so far, and the witness's cosigned size.</summary>
    Task RecordCosignatureAsync(LedgerCheckpointRecord checkpoint, string witnessName, CancellationToken cancellationToken);

    /// <summary>The stored fork evidence, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ForkEvidence>> ListEvidenceAsync(int limit, CancellationToken cancellationToken);
}
