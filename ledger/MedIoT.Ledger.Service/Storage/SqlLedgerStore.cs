using System.Data;
using System.Data.Common;

namespace MedIoT.Ledger.Service.Storage;

/// <summary>
/// The ledger store over ADO.NET, shared by the SQLite and PostgreSQL stores: the same tables and statements (both speak
/// <c>INSERT ... ON CONFLICT</c> and <c>RETURNING</c>), with the column types and connection handling of each dialect.
/// </summary>
public abstract class SqlLedgerStore : ILedgerStore
{
    /// <summary>The schema version this build creates and reads.</summary>
    public const int SchemaVersion = 1;

    // 6 parameters a row: 600 per statement, far below SQLite's 32,766 and PostgreSQL's 65,535.
    private const int RowsPerStatement = 100;

    /// <summary>The column type of hashes (BLOB or bytea).</summary>
    protected abstract string BinaryType { get; }

    /// <summary>The column definition of an auto-numbered primary key.</summary>
    protected abstract string IdentityColumn { get; }

    /// <summary>Takes a connection for one operation (open, ready for statements).</summary>
    protected abstract ValueTask<DbConnection> RentAsync(CancellationToken cancellationToken);

    /// <summary>Gives back a connection taken with <see cref="RentAsync"/>.</summary>
    protected abstract ValueTask ReturnAsync(DbConnection connection);

    /// <inheritdoc />
    public async Task<LedgerState> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CreateSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
            return await LoadAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await ReturnAsync(connection).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task CommitAsync(LedgerBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.IsEmpty)
        {
            return;
        }

        var connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                if (batch.Anchors.Count > 0)
                {
                    await InsertLeavesAsync(connection, transaction, batch, cancellationToken).ConfigureAwait(false);
                }

                batch.StoredEvidence.Clear();
                foreach (var evidence in batch.Evidence)
                {
                    var id = await ScalarAsync(connection, transaction,
                        "INSERT INTO evidence (origin, reason, detected_at, refused_request, conflicting_note) VALUES (@o, @r, @t, @q, @c) RETURNING id",
                        cancellationToken, ("o", evidence.Origin), ("r", (int)evidence.Reason), ("t", evidence.DetectedAtUnixMilliseconds),
                        ("q", evidence.RefusedRequest), ("c", evidence.ConflictingNote)).ConfigureAwait(false);
                    batch.StoredEvidence.Add(evidence with { Id = Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture) });
                }

                if (batch.Checkpoint is { } checkpoint)
                {
                    await ExecuteAsync(connection, transaction, "INSERT INTO checkpoints (size, note) VALUES (@s, @n)", cancellationToken,
                        ("s", checkpoint.Size), ("n", checkpoint.Note)).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await ReturnAsync(connection).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<AnchoredCheckpoint?> FindAnchorAsync(string origin, long size, CancellationToken cancellationToken)
    {
        var connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = Command(connection, null,
                "SELECT leaf_index, origin, size, root, note FROM leaves WHERE origin = @o AND size = @s", ("o", origin), ("s", size));
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadAnchor(reader) : null;
                }
            }
        }
        finally
        {
            await ReturnAsync(connection).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<LedgerCheckpointRecord?> FindCheckpointAsync(long size, CancellationToken cancellationToken)
    {
        var connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var note = await ScalarAsync(connection, null, "SELECT note FROM checkpoints WHERE size = @s", cancellationToken, ("s", size))
                .ConfigureAwait(false);
            return note is string text ? new LedgerCheckpointRecord(size, text) : null;
        }
        finally
        {
            await ReturnAsync(connection).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task RecordCosignatureAsync(LedgerCheckpointRecord checkpoint, string witnessName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await ExecuteAsync(connection, transaction, "UPDATE checkpoints SET note = @n WHERE size = @s", cancellationToken,
                    ("s", checkpoint.Size), ("n", checkpoint.Note)).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction,
                    "INSERT INTO witnesses (name, cosigned_size) VALUES (@w, @s) ON CONFLICT (name) DO UPDATE SET cosigned_size = excluded.cosigned_size",
                    cancellationToken, ("w", witnessName), ("s", checkpoint.Size)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await ReturnAsync(connection).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ForkEvidence>> ListEvidenceAsync(int limit, CancellationToken cancellationToken)
    {
        var connection = await RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var command = Command(connection, null,
                "SELECT id, origin, reason, detected_at, refused_request, conflicting_note FROM evidence ORDER BY id DESC LIMIT @l", ("l", limit));
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var list = new List<ForkEvidence>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        list.Add(new ForkEvidence(reader.GetInt64(0), reader.GetString(1), (ForkReason)reader.GetInt32(2), reader.GetInt64(3),
                            reader.GetString(4), reader.GetString(5)));
                    }

                    return list;
                }
            }
        }
        finally
        {
            await ReturnAsync(connection).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();

    private async Task CreateSchemaAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            string[] statements =
            [
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                $"CREATE TABLE IF NOT EXISTS leaves (leaf_index BIGINT PRIMARY KEY, origin TEXT NOT NULL, size BIGINT NOT NULL, root {BinaryType} NOT NULL, leaf_hash {BinaryType} NOT NULL, note TEXT NOT NULL, UNIQUE (origin, size))",
                "CREATE TABLE IF NOT EXISTS gateways (origin TEXT PRIMARY KEY, leaf_index BIGINT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS checkpoints (size BIGINT PRIMARY KEY, note TEXT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS witnesses (name TEXT PRIMARY KEY, cosigned_size BIGINT NOT NULL)",
                $"CREATE TABLE IF NOT EXISTS evidence (id {IdentityColumn}, origin TEXT NOT NULL, reason INTEGER NOT NULL, detected_at BIGINT NOT NULL, refused_request TEXT NOT NULL, conflicting_note TEXT NOT NULL)",
            ];
            foreach (var statement in statements)
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken).ConfigureAwait(false);
            }

            var version = await ScalarAsync(connection, transaction, "SELECT MAX(version) FROM schema_version", cancellationToken).ConfigureAwait(false);
            if (version is null or DBNull)
            {
                await ExecuteAsync(connection, transaction, "INSERT INTO schema_version (version) VALUES (@v)", cancellationToken, ("v", SchemaVersion))
                    .ConfigureAwait(false);
            }
            else if (Convert.ToInt32(version, System.Globalization.CultureInfo.InvariantCulture) != SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The ledger database has schema version {version}; this mediot-ledger reads version {SchemaVersion}. Run the mediot-ledger release that matches the database.");
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<LedgerState> LoadAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var leafHashes = new List<byte[]>();
        var command = Command(connection, null, "SELECT leaf_index, leaf_hash FROM leaves ORDER BY leaf_index");
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (reader.GetInt64(0) != leafHashes.Count)
                    {
                        throw new InvalidDataException($"The ledger database misses leaf {leafHashes.Count}: the leaves table is damaged. Restore it from a backup.");
                    }

                    leafHashes.Add((byte[])reader.GetValue(1));
                }
            }
        }

        var anchors = new Dictionary<string, AnchoredCheckpoint>(StringComparer.Ordinal);
        command = Command(connection, null,
            "SELECT l.leaf_index, l.origin, l.size, l.root, l.note FROM gateways g JOIN leaves l ON l.leaf_index = g.leaf_index");
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var anchor = ReadAnchor(reader);
                    anchors[anchor.Origin] = anchor;
                }
            }
        }

        LedgerCheckpointRecord? latest = null;
        command = Command(connection, null, "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1");
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    latest = new LedgerCheckpointRecord(reader.GetInt64(0), reader.GetString(1));
                }
            }
        }

        var witnesses = new Dictionary<string, long>(StringComparer.Ordinal);
        command = Command(connection, null, "SELECT name, cosigned_size FROM witnesses");
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    witnesses[reader.GetString(0)] = reader.GetInt64(1);
                }
            }
        }

        return new LedgerState(leafHashes, anchors, latest, witnesses);
    }

    private static async Task InsertLeavesAsync(DbConnection connection, DbTransaction transaction, LedgerBatch batch, CancellationToken cancellationToken)
    {
        // Multi-row statements: one round trip per RowsPerStatement leaves (PostgreSQL pays a round trip per statement).
        for (var first = 0; first < batch.Anchors.Count; first += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, batch.Anchors.Count - first);
            var sql = new System.Text.StringBuilder("INSERT INTO leaves (leaf_index, origin, size, root, leaf_hash, note) VALUES ");
            var parameters = new (string, object)[count * 6];
            for (var i = 0; i < count; i++)
            {
                var anchor = batch.Anchors[first + i];
                sql.Append(i == 0 ? string.Empty : ", ").Append(System.Globalization.CultureInfo.InvariantCulture, $"(@i{i}, @o{i}, @s{i}, @r{i}, @h{i}, @n{i})");
                var at = i * 6;
                parameters[at] = (Name("i", i), anchor.LeafIndex);
                parameters[at + 1] = (Name("o", i), anchor.Origin);
                parameters[at + 2] = (Name("s", i), anchor.Size);
                parameters[at + 3] = (Name("r", i), anchor.RootHash);
                parameters[at + 4] = (Name("h", i), batch.LeafHashes[first + i]);
                parameters[at + 5] = (Name("n", i), anchor.Note);
            }

            await ExecuteAsync(connection, transaction, sql.ToString(), cancellationToken, parameters).ConfigureAwait(false);
        }

        // Each gateway's latest anchor in the batch (leaves are in order, so the last one per origin wins).
        var latest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var anchor in batch.Anchors)
        {
            latest[anchor.Origin] = anchor.LeafIndex;
        }

        var origins = latest.ToArray();
        for (var first = 0; first < origins.Length; first += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, origins.Length - first);
            var sql = new System.Text.StringBuilder("INSERT INTO gateways (origin, leaf_index) VALUES ");
            var parameters = new (string, object)[count * 2];
            for (var i = 0; i < count; i++)
            {
                sql.Append(i == 0 ? string.Empty : ", ").Append(System.Globalization.CultureInfo.InvariantCulture, $"(@o{i}, @i{i})");
                parameters[i * 2] = (Name("o", i), origins[first + i].Key);
                parameters[(i * 2) + 1] = (Name("i", i), origins[first + i].Value);
            }

            sql.Append(" ON CONFLICT (origin) DO UPDATE SET leaf_index = excluded.leaf_index");
            await ExecuteAsync(connection, transaction, sql.ToString(), cancellationToken, parameters).ConfigureAwait(false);
        }
    }

    private static string Name(string prefix, int row) => prefix + row.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static AnchoredCheckpoint ReadAnchor(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), (byte[])reader.GetValue(3), reader.GetString(4));

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Every statement is a constant of this class; values travel as parameters.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            parameter.Direction = ParameterDirection.Input;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        var command = Command(connection, transaction, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        var command = Command(connection, transaction, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
