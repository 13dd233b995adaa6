using System.Data.Common;
using Npgsql;

namespace MedIoT.Ledger.Service.Storage;

/// <summary>
/// The ledger in PostgreSQL (Npgsql), for a hospital-wide deployment: pooled connections, one transaction per batch
/// (PostgreSQL's default <c>synchronous_commit=on</c> makes a commit durable before it returns).
/// </summary>
public sealed class PostgresLedgerStore : SqlLedgerStore
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Creates a store over <paramref name="connectionString"/> (Npgsql syntax).</summary>
    public PostgresLedgerStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    /// <inheritdoc />
    protected override string BinaryType => "bytea";

    /// <inheritdoc />
    protected override string IdentityColumn => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> RentAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override ValueTask ReturnAsync(DbConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.DisposeAsync();
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
