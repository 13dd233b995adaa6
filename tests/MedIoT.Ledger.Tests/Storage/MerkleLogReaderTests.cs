using System.Text;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;

namespace MedIoT.Ledger.Tests.Storage;

/// <summary>The read-only view beside a live writer (the gateway's audit).</summary>
public sealed class MerkleLogReaderTests
{
    private static ReadOnlyMemory<byte>[] Entries(long first, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes($"entry-{first + i}"))];

    [Fact]
    public void A_reader_beside_the_open_writer_sees_the_durable_size_at_open_with_the_same_entries_roots_and_proofs()
    {
        using var folder = TemporaryDirectory.Create("ledger-reader");
        using var log = MerkleLog.Open(folder.Path);
        log.AppendBatch(Entries(0, 7));
        log.AppendBatch(Entries(7, 6));

        using var reader = MerkleLogReader.Open(folder.Path); // the writer holds its lock: the reader takes none
        log.AppendBatch(Entries(13, 4));
        Assert.Equal(13, reader.Size);
        Assert.Equal(17, log.Size);
        for (long index = 0; index < reader.Size; index++)
        {
            Assert.Equal(log.ReadEntry(index), reader.ReadEntry(index));
        }

        for (long size = 0; size <= reader.Size; size++)
        {
            Assert.Equal(log.GetRootHash(size), reader.GetRootHash(size));
        }

        Assert.Equal(log.GetInclusionProof(5, 13), reader.GetInclusionProof(5, 13));
        Assert.Equal(log.GetConsistencyProof(6, 13), reader.GetConsistencyProof(6, 13));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadEntry(13));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.GetRootHash(14));
    }

    [Fact]
    public void A_reader_ignores_a_torn_tail_and_never_changes_the_files()
    {
        using var folder = TemporaryDirectory.Create("ledger-reader");
        using (var log = MerkleLog.Open(folder.Path))
        {
            log.AppendBatch(Entries(0, 5));
        }

        var entries = Path.Combine(folder.Path, "entries.data");
        File.AppendAllText(entries, "torn tail of an unfinished batch");
        var before = File.ReadAllBytes(entries);
        using (var reader = MerkleLogReader.Open(folder.Path))
        {
            Assert.Equal(5, reader.Size);
            Assert.Equal(Encoding.ASCII.GetBytes("entry-4"), reader.ReadEntry(4));
        }

        Assert.Equal(before, File.ReadAllBytes(entries));
    }

    [Fact]
    public void A_folder_without_a_log_is_a_clear_error()
    {
        using var folder = TemporaryDirectory.Create("ledger-reader");
        Assert.Throws<FileNotFoundException>(() => MerkleLogReader.Open(folder.Path));
    }
}
