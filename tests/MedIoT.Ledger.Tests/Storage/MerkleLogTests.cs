using System.Text;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Storage;
using MedIoT.Ledger.Tests.Hashing;
using MedIoT.Ledger.Tests.Proofs;
using MedIoT.Testing;

namespace MedIoT.Ledger.Tests.Storage;

public sealed class MerkleLogTests
{
    private static ReadOnlyMemory<byte>[] Entries(long first, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes($"entry-{first + i}"))];

    [Fact]
    public void The_reference_tree_appended_in_batches_has_the_public_roots_and_proofs()
    {
        using var folder = TemporaryDirectory.Create("ledger");
        using var log = MerkleLog.Open(folder.Path);
        Assert.Equal(0, log.Size);
        Assert.Equal(ReferenceTree.RootsHex[0], Convert.ToHexStringLower(log.GetRootHash(0)));
        var leaves = ReferenceTree.LeafInputs;
        Assert.Equal(0, log.AppendBatch([leaves[0], leaves[1], leaves[2]]));
        Assert.Equal(3, log.AppendBatch([leaves[3]]));
        Assert.Equal(4, log.AppendBatch([leaves[4], leaves[5], leaves[6], leaves[7]]));
        for (var size = 0; size <= 8; size++)
        {
            Assert.Equal(ReferenceTree.RootsHex[size], Convert.ToHexStringLower(log.GetRootHash(size)));
        }

        // The happy paths of the public probes (transparency-dev/merkle testdata), transcribed in Proofs/Data.
        foreach (var probe in PublicProbes.Inclusion.Where(p => !p.WantErr))
        {
            Assert.Equal(probe.Proof, log.GetInclusionProof((long)probe.LeafIndex, (long)probe.TreeSize));
        }

        foreach (var probe in PublicProbes.Consistency.Where(p => !p.WantErr))
        {
            Assert.Equal(probe.Proof, log.GetConsistencyProof((long)probe.Size1, (long)probe.Size2));
        }

        Assert.Equal(leaves[5], log.ReadEntry(5));
        Assert.Empty(log.ReadEntry(0));
        Assert.Equal(ReferenceTree.NodeHashesHex[0][7], Convert.ToHexStringLower(log.GetLeafHash(7)));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Every_file_of_the_log_is_owner_only_even_when_an_earlier_release_left_it_readable_by_others()
    {
        using var folder = TemporaryDirectory.Create("ledger");
        var logFolder = Path.Combine(folder.Path, "log");
        using (var log = MerkleLog.Open(logFolder))
        {
            log.AppendBatch(Entries(0, 3));
        }

        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var files = Directory.GetFiles(logFolder);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            File.SetUnixFileMode(file, ownerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        using (var reopened = MerkleLog.Open(logFolder))
        {
            Assert.Equal(3, reopened.Size);
        }

        Assert.All(files, file => Assert.Equal(ownerOnly, File.GetUnixFileMode(file)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(logFolder));
    }

    [Fact]
    public void Random_batches_agree_with_the_naive_definitions_for_every_size()
    {
        using var folder = TemporaryDirectory.Create("ledger");
        using var log = MerkleLog.Open(folder.Path);
        var random = new Random(11);
        var leafHashes = new List<byte[]>();
        while (log.Size < 300)
        {
            var batch = Entries(log.Size, random.Next(1, 40));
            log.AppendBatch(batch);
            leafHashes.AddRange(batch.Select(e => MerkleHash.HashLeaf(e.Span)));
        }

        var all = leafHashes.ToArray();
        for (var size = 0; size <= log.Size; size += 7)
        {
            var root = log.GetRootHash(size);
            Assert.Equal(NaiveMerkle.Mth(all.AsSpan(0, size)), root);
            for (var index = 0; index < size; index += 5)
            {
                Assert.Equal(NaiveMerkle.Path(index, all.AsSpan(0, size)), log.GetInclusionProof(index, size));
            }

            Assert.Equal(NaiveMerkle.Proof(size / 3, all.AsSpan(0, size)), log.GetConsistencyProof(size / 3, size));
        }
    }

    [Fact]
    public void Reopen_keeps_the_size_every_root_and_continues_the_tree()
    {
        using var folder = TemporaryDirectory.Create("ledger");
        var roots = new List<byte[]>();
        using (var log = MerkleLog.Open(folder.Path))
        {
            log.AppendBatch(Entries(0, 37));
            log.AppendBatch(Entries(37, 64));
            roots.AddRange(Enumerable.Range(0, 102).Select(n => log.GetRootHash(n)));
        }

        using (var reopened = MerkleLog.Open(folder.Path))
        {
            Assert.Equal(101, reopened.Size);
            for (var n = 0; n <= 101; n++)
            {
                Assert.Equal(roots[n], reopened.GetRootHash(n));
            }

            reopened.AppendBatch(Entries(101, 27));
            Assert.Equal(roots[101], reopened.GetRootHash(101));
        }

        using var fresh = MerkleLog.Open(Path.Combine(folder.Path, "fresh"));
        fresh.AppendBatch(Entries(0, 128));
        using var again = MerkleLog.Open(folder.Path);
        Assert.Equal(fresh.GetRootHash(128), again.GetRootHash(128));
    }

    [Fact]
    public void A_torn_tail_beyond_the_durable_size_is_discarded_on_open()
    {
        using var folder = TemporaryDirectory.Create("ledger");
        byte[] root;
        using (var log = MerkleLog.Open(folder.Path))
        {
            log.AppendBatch(Entries(0, 50));
            root = log.GetRootHash(50);
        }

        // What a crash in the middle of the next batch leaves: partial data in every file, and a half-written commit slot.
        var garbage = new byte[] { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 };
        foreach (var name in new[] { MerkleLog.TreeFileName, MerkleLog.EntriesFileName, MerkleLog.IndexFileName })
        {
            using var stream = new FileStream(Path.Combine(folder.Path, name), FileMode.Append);
            stream.Write(garbage);
        }

        using (var commit = new FileStream(Path.Combine(folder.Path, MerkleLog.CommitFileName), FileMode.Open))
        {
            // The next commit would go to slot (generation 2) % 2 = 0: a torn record there has a bad checksum.
            commit.Position = 0;
            commit.Write("MLC1"u8);
            commit.Write(new byte[] { 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 99 });
        }

        using (var recovered = MerkleLog.Open(folder.Path))
        {
            Assert.Equal(50, recovered.Size);
            Assert.Equal(root, recovered.GetRootHash(50));
            Assert.Equal(MerkleLog.NodeCount(50) * 32, new FileInfo(Path.Combine(folder.Path, MerkleLog.TreeFileName)).Length);
            recovered.AppendBatch(Entries(50, 10));
            Assert.Equal("entry-55"u8.ToArray(), recovered.ReadEntry(55));
        }

        using var reopened = MerkleLog.Open(folder.Path);
        Assert.Equal(60, reopened.Size);
        Assert.Equal(root, reopened.GetRootHash(50));
    }

    [Fact]
    public void A_file_shorter_than_the_durable_size_is_reported_as_corruption()
    {
        using var folder = TemporaryDirectory.Create("ledger");
        using (var log = MerkleLog.Open(folder.Path))
        {
            log.AppendBatch(Entries(0, 10));
        }

        using (var tree = new FileStream(Path.Combine(folder.Path, MerkleLog.TreeFileName), FileMode.Open))
        {
            tree.SetLength(tree.Length - 32);
        }

        var error = Assert.Throws<InvalidDataException>(() => MerkleLog.Open(folder.Path));
        Assert.Contains(MerkleLog.TreeFileName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_destroyed_commit_file_next_to_data_is_reported_not_truncated_away()
    {
        using var folder = TemporaryDirectory.Create("ledger");
        using (var log = MerkleLog.Open(folder.Path))
        {
            log.AppendBatch(Entries(0, 10));
        }

        File.WriteAllBytes(Path.Combine(folder.Path, MerkleLog.CommitFileName), new byte[CommitRecord.FileLength]);
        var error = Assert.Throws<InvalidDataException>(() => MerkleLog.Open(folder.Path));
        Assert.Contains("no valid commit record", error.Message, StringComparison.Ordinal);
        Assert.Equal(MerkleLog.NodeCount(10) * 32, new FileInfo(Path.Combine(folder.Path, MerkleLog.TreeFileName)).Length);
    }

    [Fact]
    public void A_second_writer_cannot_open_the_same_folder()
    {
        using var folder = TemporaryDirectory.Create("ledger");
        using var log = MerkleLog.Open(folder.Path);
        Assert.ThrowsAny<IOException>(() => MerkleLog.Open(folder.Path));
    }

    [Fact]
    public void Misuse_throws_and_leaves_the_log_unchanged()
    {
        using var folder = TemporaryDirectory.Create("ledger");
        using var log = MerkleLog.Open(folder.Path);
        log.AppendBatch(Entries(0, 3));
        Assert.Throws<ArgumentException>(() => log.AppendBatch([]));
        Assert.Throws<ArgumentException>(() => log.AppendBatch([new byte[MerkleLog.MaxEntryLength + 1]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.GetRootHash(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.GetInclusionProof(3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.GetConsistencyProof(3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => log.ReadEntry(3));
        Assert.Equal(3, log.Size);
    }

    [Fact]
    public async Task Readers_see_consistent_roots_while_a_writer_appends()
    {
        using var folder = TemporaryDirectory.Create("ledger");
        using var log = MerkleLog.Open(folder.Path);
        log.AppendBatch(Entries(0, 16));
        var fixedRoot = log.GetRootHash(16);
        using var done = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            var checks = 0;
            while (!done.IsCancellationRequested || checks == 0)
            {
                var size = log.Size;
                var root = log.GetRootHash(size);
                Assert.Equal(fixedRoot, log.GetRootHash(16));
                var proof = log.GetConsistencyProof(16, size);
                Assert.True(MerkleProofVerifier.TryVerifyConsistency(16, size, fixedRoot, root, proof, out _));
                checks++;
            }

            return checks;
        });
        for (var batch = 0; batch < 50; batch++)
        {
            log.AppendBatch(Entries(log.Size, 20));
        }

        await done.CancelAsync();
        Assert.True(await reader.WaitAsync(TimeSpan.FromSeconds(30)) > 0);
    }

    [Fact]
    public void Post_order_positions_follow_the_append_order()
    {
        // Leaves 0,1 then node (1,0), leaf 2, leaf 3, node (1,1), node (2,0), leaf 4.
        Assert.Equal(0, MerkleLog.NodePosition(0, 0));
        Assert.Equal(1, MerkleLog.NodePosition(0, 1));
        Assert.Equal(2, MerkleLog.NodePosition(1, 0));
        Assert.Equal(3, MerkleLog.NodePosition(0, 2));
        Assert.Equal(5, MerkleLog.NodePosition(1, 1));
        Assert.Equal(6, MerkleLog.NodePosition(2, 0));
        Assert.Equal(7, MerkleLog.NodePosition(0, 4));
        Assert.Equal(7, MerkleLog.NodeCount(4));
    }
}
