using System.Diagnostics.CodeAnalysis;
using MedIoT.Cryptography;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Proofs;

namespace MedIoT.Ledger.Service.Anchoring;

/// <summary>
/// Signs the ledger's checkpoints and never signs two inconsistent ones (C2SP tlog-checkpoint: "a log must never sign
/// two inconsistent checkpoints"). Like the library's CheckpointSigner, but its memory is the ledger store rather than
/// a state file: a note is signed inside the batch that stores it, and only counts as signed once that transaction
/// committed (<see cref="Accept"/>); a crash before the commit leaves no signature handed out. At start it is given the
/// latest stored checkpoint, checked against the tree rebuilt from the stored leaves.
/// </summary>
internal sealed class LedgerCheckpointSigner
{
    private readonly Ed25519PrivateKey _key;
    private Checkpoint? _last;

    public LedgerCheckpointSigner(string origin, Ed25519PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Origin = origin;
        _key = key;
        VerifierKey = NoteVerifierKey.Create(origin, key.PublicKey);
    }

    /// <summary>The ledger's origin, also its key name.</summary>
    public string Origin { get; }

    /// <summary>The ledger's public verifier key.</summary>
    public NoteVerifierKey VerifierKey { get; }

    /// <summary>The last checkpoint whose note was stored.</summary>
    public Checkpoint? LastSigned => Volatile.Read(ref _last);

    /// <summary>
    /// Takes the latest stored note as the last signed one after checking that it is this ledger's, signed by this
    /// key, and that its root is <paramref name="treeRootAtItsSize"/> (the tree rebuilt from the stored leaves).
    /// </summary>
    /// <exception cref="InvalidDataException">The stored note does not match the key, origin or the stored leaves.</exception>
    public void Resume(string storedNote, Func<long, byte[]?> treeRootAtItsSize)
    {
        ArgumentNullException.ThrowIfNull(treeRootAtItsSize);
        if (!Checkpoint.TryOpen(storedNote, [VerifierKey], Origin, out var checkpoint, out var failure))
        {
            throw new InvalidDataException(
                $"The latest ledger checkpoint in the database is not a checkpoint of '{Origin}' signed by key {VerifierKey.KeyId:x8} ({failure}). " +
                "Refusing to sign: check Ledger:Origin and Ledger:KeyFile, or restore the database.");
        }

        var root = treeRootAtItsSize(checkpoint.Size);
        if (root is null || !Hashing.MerkleHash.FixedTimeEquals(root, checkpoint.RootHash))
        {
            throw new InvalidDataException(
                $"The latest ledger checkpoint (size {checkpoint.Size}) does not match the leaves in the database. Refusing to sign: restore the database.");
        }

        Volatile.Write(ref _last, checkpoint);
    }

    /// <summary>Signs (size, root) if consistent with the last stored checkpoint, proven by <paramref name="proofFromLast"/>.</summary>
    public bool TrySign(long size, byte[] rootHash, IReadOnlyList<byte[]> proofFromLast, [NotNullWhen(true)] out Checkpoint? checkpoint,
        [NotNullWhen(true)] out string? note)
    {
        checkpoint = null;
        note = null;
        var last = LastSigned;
        if (last is not null && (size < last.Size
            || !MerkleProofVerifier.TryVerifyConsistency(last.Size, size, last.RootHash, rootHash, proofFromLast, out _)))
        {
            return false;
        }

        checkpoint = new Checkpoint(Origin, size, rootHash);
        note = SignedNote.Sign(checkpoint.FormatBody(), Origin, _key);
        return true;
    }

    /// <summary>Records that the note of <paramref name="checkpoint"/> is durable.</summary>
    public void Accept(Checkpoint checkpoint) => Volatile.Write(ref _last, checkpoint);
}
