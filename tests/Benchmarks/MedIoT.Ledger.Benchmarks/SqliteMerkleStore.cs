using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Storage;
using Microsoft.Data.Sqlite;

namespace MedIoT.Ledger.Benchmarks;

/// <summary>
/// The SQLite contender: the same post-order node numbering as <see cref="MerkleLog"/>, in two tables (nodes, entries)
/// of one database in WAL mode with synchronous=FULL, one transaction per batch. Only what the benchmark needs.
/// </summary>
internal sealed class SqliteMerkleStore : IMerkleNodeSource, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _readNode;
    private readonly SqliteParameter _readPosition;
    private readonly List<byte[]> _peaks = [];

    public SqliteMerkleStore(string folder)
    {
        Directory.CreateDirectory(folder);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "ledger.db"), Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
        Execute("CREATE TABLE IF NOT EXISTS nodes (position INTEGER PRIMARY KEY, hash BLOB NOT NULL);" +
            "CREATE TABLE IF NOT EXISTS entries (leaf INTEGER PRIMARY KEY, data BLOB NOT NULL);" +
            "CREATE TABLE IF NOT EXISTS meta (id INTEGER PRIMARY KEY CHECK (id = 0), size INTEGER NOT NULL);" +
            "INSERT OR IGNORE INTO meta VALUES (0, 0);");
        using (var size = _connection.CreateCommand())
        {
            size.CommandText = "SELECT size FROM meta WHERE id = 0";
            Size = (long)size.ExecuteScalar()!;
        }

        _readNode = _connection.CreateCommand();
        _readNode.CommandText = "SELECT hash FROM nodes WHERE position = $p";
        _readPosition = _readNode.Parameters.Add("$p", SqliteType.Integer);
        long covered = 0;
        for (var level = 62; level >= 0; level--)
        {
            if ((Size & (1L << level)) != 0)
            {
                var peak = new byte[32];
                ReadNode(level, covered >> level, peak);
                _peaks.Add(peak);
                covered += 1L << level;
            }
        }
    }

    public long Size { get; private set; }

    public void AppendBatch(IReadOnlyList<ReadOnlyMemory<byte>> entries)
    {
        using var transaction = _connection.BeginTransaction();
        using var insertNode = _connection.CreateCommand();
        insertNode.Transaction = transaction;
        insertNode.CommandText = "INSERT INTO nodes VALUES ($p, $h)";
        var nodePosition = insertNode.Parameters.Add("$p", SqliteType.Integer);
        var nodeHash = insertNode.Parameters.Add("$h", SqliteType.Blob);
        using var insertEntry = _connection.CreateCommand();
        insertEntry.Transaction = transaction;
        insertEntry.CommandText = "INSERT INTO entries VALUES ($l, $d)";
        var entryLeaf = insertEntry.Parameters.Add("$l", SqliteType.Integer);
        var entryData = insertEntry.Parameters.Add("$d", SqliteType.Blob);
        var position = MerkleLog.NodeCount(Size);
        for (var i = 0; i < entries.Count; i++)
        {
            var leaf = Size + i;
            entryLeaf.Value = leaf;
            entryData.Value = entries[i].ToArray();
            insertEntry.ExecuteNonQuery();
            var hash = MerkleHash.HashLeaf(entries[i].Span);
            _peaks.Add(hash);
            nodePosition.Value = position++;
            nodeHash.Value = hash;
            insertNode.ExecuteNonQuery();
            for (var level = 0; level < long.TrailingZeroCount(~leaf); level++)
            {
                var parent = MerkleHash.HashChildren(_peaks[^2], _peaks[^1]);
                _peaks.RemoveRange(_peaks.Count - 2, 2);
                _peaks.Add(parent);
                nodePosition.Value = position++;
                nodeHash.Value = parent;
                insertNode.ExecuteNonQuery();
            }
        }

        using var setSize = _connection.CreateCommand();
        setSize.Transaction = transaction;
        setSize.CommandText = "UPDATE meta SET size = $s WHERE id = 0";
        setSize.Parameters.AddWithValue("$s", Size + entries.Count);
        setSize.ExecuteNonQuery();
        transaction.Commit();
        Size += entries.Count;
    }

    public void Checkpoint() => Execute("PRAGMA wal_checkpoint(TRUNCATE);");

    public void ReadNode(int level, long index, Span<byte> destination)
    {
        _readPosition.Value = MerkleLog.NodePosition(level, index);
        ((byte[])_readNode.ExecuteScalar()!).CopyTo(destination);
    }

    public void Dispose()
    {
        _readNode.Dispose();
        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
