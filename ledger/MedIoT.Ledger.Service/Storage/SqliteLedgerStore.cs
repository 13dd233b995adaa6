using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace MedIoT.Ledger.Service.Storage;

/// <summary>
/// The ledger in one SQLite file (the default): write-ahead logging with <c>synchronous=FULL</c>, so a committed batch
/// survives a power cut (sqlite.org/pragma.html#pragma_synchronous: in WAL mode NORMAL may lose the last commits).
/// One connection, used by one operation at a time: the ledger has a single writer and reads are rare.
/// </summary>
public sealed class SqliteLedgerStore : SqlLedgerStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteConnection _connection;
    private bool _configured;

    /// <summary>Creates a store over the database file <paramref name="path"/> (created when missing).</summary>
    public SqliteLedgerStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
    }

    /// <inheritdoc />
    protected override string BinaryType => "BLOB";

    /// <inheritdoc />
    protected override string IdentityColumn => "INTEGER PRIMARY KEY AUTOINCREMENT";

    /// <inheritdoc />
    protected override async ValueTask<DbConnection> RentAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_configured)
            {
                await _connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var pragma = _connection.CreateCommand();
                await using (pragma.ConfigureAwait(false))
                {
                    pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;";
                    await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                _configured = true;
            }
        }
        catch
        {
            _gate.Release();
            throw;
        }

        return _connection;
    }

    /// <inheritdoc />
    protected override ValueTask ReturnAsync(DbConnection connection)
    {
        _gate.Release();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
