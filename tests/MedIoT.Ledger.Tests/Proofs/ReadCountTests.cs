using MedIoT.Ledger.Proofs;

namespace MedIoT.Ledger.Tests.Proofs;

/// <summary>Proof generation reads O(log n) stored nodes, whatever the size: checked by counting reads on huge virtual trees.</summary>
public sealed class ReadCountTests
{
    private sealed class CountingSource : IMerkleNodeSource
    {
        public int Reads { get; set; }

        public void ReadNode(int level, long index, Span<byte> destination)
        {
            Reads++;
            destination.Clear();
            BitConverter.TryWriteBytes(destination, (level * 1_000_003L) ^ index);
        }
    }

    [Fact]
    public void Proofs_and_roots_read_at_most_two_nodes_per_level()
    {
        var random = new Random(41);
        var source = new CountingSource();
        for (var trial = 0; trial < 5000; trial++)
        {
            var size = random.NextInt64(2, 1L << random.Next(2, 62));
            var levels = 64 - (int)long.LeadingZeroCount(size);
            var bound = (2 * levels) + 2;

            source.Reads = 0;
            MerkleProofBuilder.InclusionProof(source, random.NextInt64(size), size);
            Assert.InRange(source.Reads, 0, bound);

            source.Reads = 0;
            MerkleProofBuilder.ConsistencyProof(source, random.NextInt64(1, size), size);
            Assert.InRange(source.Reads, 0, bound);

            source.Reads = 0;
            MerkleProofBuilder.RootHash(source, size);
            Assert.InRange(source.Reads, 1, levels);
        }
    }
}
