using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;

namespace MedIoT.Ledger.Service.Tree;

/// <summary>
/// The ledger's RFC 9162 tree in memory: every perfect-subtree hash (level 0 = leaf hashes), rebuilt at start from the
/// leaf hashes in the store. Keeping only leaf hashes durable (in the same transaction as the leaves and the signed
/// checkpoint) means the tree can never disagree with the database after a crash, on SQLite and PostgreSQL alike;
/// the price is about 64 bytes of memory per leaf and one hash per node at start. Proofs come from
/// <see cref="MerkleProofBuilder"/>. Thread-safe.
/// </summary>
internal sealed class LedgerTree : IMerkleNodeSource
{
    private readonly Lock _lock = new();
    private readonly List<List<byte[]>> _levels = [[]];

    /// <summary>The number of leaves.</summary>
    public long Size
    {
        get
        {
            lock (_lock)
            {
                return _levels[0].Count;
            }
        }
    }

    /// <summary>Appends leaf hashes (RFC 9162 §2.1.1 leaf hashes, 32 bytes each).</summary>
    public void Append(IEnumerable<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        lock (_lock)
        {
            foreach (var leafHash in leafHashes)
            {
                if (leafHash is not { Length: MerkleHash.Length })
                {
                    throw new ArgumentException("A leaf hash is 32 bytes.", nameof(leafHashes));
                }

                _levels[0].Add(leafHash);
                var level = 0;
                var index = _levels[0].Count - 1;
                while ((index & 1) == 1)
                {
                    if (_levels.Count == level + 1)
                    {
                        _levels.Add([]);
                    }

                    var nodes = _levels[level];
                    _levels[level + 1].Add(MerkleHash.HashChildren(nodes[index - 1], nodes[index]));
                    level++;
                    index >>= 1;
                }
            }
        }
    }

    /// <summary>MTH(D[0:size]).</summary>
    public byte[] RootHash(long size)
    {
        lock (_lock)
        {
            CheckSize(size);
            return MerkleProofBuilder.RootHash(this, size);
        }
    }

    /// <summary>PATH(index, D[0:size]) (RFC 9162 §2.1.3.1).</summary>
    public byte[][] InclusionProof(long index, long size)
    {
        lock (_lock)
        {
            CheckSize(size);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
            return MerkleProofBuilder.InclusionProof(this, index, size);
        }
    }

    /// <summary>PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1).</summary>
    public byte[][] ConsistencyProof(long first, long second)
    {
        lock (_lock)
        {
            CheckSize(second);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(first, second);
            return MerkleProofBuilder.ConsistencyProof(this, first, second);
        }
    }

    /// <inheritdoc />
    void IMerkleNodeSource.ReadNode(int level, long index, Span<byte> destination) => _levels[level][(int)index].CopyTo(destination);

    private void CheckSize(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, (long)_levels[0].Count);
    }
}
