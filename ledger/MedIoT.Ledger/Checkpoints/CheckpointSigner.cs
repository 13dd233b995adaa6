using System.Diagnostics.CodeAnalysis;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Storage;

namespace MedIoT.Ledger.Checkpoints;

/// <summary>
/// Signs the log's checkpoints (its "blocks") with the log's Ed25519 key, and never signs two inconsistent ones: each
/// new checkpoint must come with a consistency proof from the last one signed, which is remembered across restarts in
/// a state file (the last signed note itself, replaced atomically: write a temporary file, flush, rename, flush the
/// folder). The note is persisted before it is returned, so a crash can never lose a checkpoint that was handed out.
/// Thread-safe (signing is serialised).
/// </summary>
public sealed class CheckpointSigner
{
    private readonly Lock _lock = new();
    private readonly Ed25519PrivateKey _key;
    private readonly string _stateFile;
    private Checkpoint? _last;
    private string? _lastNote;

    private CheckpointSigner(string origin, Ed25519PrivateKey key, string stateFile)
    {
        Origin = origin;
        _key = key;
        _stateFile = stateFile;
        VerifierKey = NoteVerifierKey.Create(origin, key.PublicKey);
    }

    /// <summary>The log's origin, also the key name of its signatures.</summary>
    public string Origin { get; }

    /// <summary>The public verifier key (<c>origin+keyid+base64</c>) that verifies this signer's checkpoints.</summary>
    public NoteVerifierKey VerifierKey { get; }

    /// <summary>The last checkpoint signed (by this instance or before a restart), or null if none was.</summary>
    public Checkpoint? LastSigned
    {
        get
        {
            lock (_lock)
            {
                return _last;
            }
        }
    }

    /// <summary>The last signed note text, or null if none was.</summary>
    public string? LastSignedNote
    {
        get
        {
            lock (_lock)
            {
                return _lastNote;
            }
        }
    }

    /// <summary>
    /// Creates a signer for <paramref name="origin"/>; loads the last signed checkpoint from <paramref name="stateFile"/>
    /// when it exists. The caller keeps ownership of <paramref name="key"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The state file exists but is not a checkpoint for this origin signed by this key.</exception>
    public static CheckpointSigner Open(string origin, Ed25519PrivateKey key, string stateFile)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(stateFile);
        var signer = new CheckpointSigner(origin, key, Path.GetFullPath(stateFile));
        if (File.Exists(signer._stateFile))
        {
            var text = File.ReadAllText(signer._stateFile, Encoding.UTF8);
            if (!Checkpoint.TryOpen(text, [signer.VerifierKey], origin, out var last, out var failure))
            {
                throw new InvalidDataException(
                    $"The checkpoint signer state '{signer._stateFile}' is not a checkpoint of '{origin}' signed by key {signer.VerifierKey.KeyId:x8} ({failure}). " +
                    "Refusing to sign: restore the state file, or investigate whether the log key or origin changed.");
            }

            signer._last = last;
            signer._lastNote = text;
        }

        return signer;
    }

    /// <summary>
    /// Signs the checkpoint (size, root) if it is consistent with the last one signed, proven by
    /// <paramref name="proofFromLast"/> (PROOF(last size, D[0:size]); empty when nothing was signed yet, or for the
    /// same size). Signing the same size and root again returns a fresh note for it.
    /// </summary>
    /// <exception cref="IOException">The state file cannot be written; nothing was signed.</exception>
    public bool TrySign(long size, ReadOnlySpan<byte> rootHash, IReadOnlyList<byte[]> proofFromLast,
        [NotNullWhen(true)] out string? signedNote, out SigningRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(proofFromLast);
        var checkpoint = new Checkpoint(Origin, size, rootHash);
        lock (_lock)
        {
            signedNote = null;
            if (_last is not null)
            {
                if (size < _last.Size)
                {
                    refusal = SigningRefusal.SizeDecreased;
                    return false;
                }

                if (!MerkleProofVerifier.TryVerifyConsistency(_last.Size, size, _last.RootHash, rootHash, proofFromLast, out _))
                {
                    refusal = SigningRefusal.Inconsistent;
                    return false;
                }
            }

            var note = SignedNote.Sign(checkpoint.FormatBody(), Origin, _key);
            DurableFolder.ReplaceFile(_stateFile, Encoding.UTF8.GetBytes(note));
            _last = checkpoint;
            _lastNote = note;
            signedNote = note;
            refusal = SigningRefusal.None;
            return true;
        }
    }

    /// <summary>Signs the log's current size and root, with the consistency proof read from the log.</summary>
    /// <exception cref="IOException">The state file cannot be written.</exception>
    public bool TrySignLatest(MerkleLog log, [NotNullWhen(true)] out string? signedNote, out SigningRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(log);
        var size = log.Size;
        var last = LastSigned;
        byte[][] proof = last is null || last.Size > size ? [] : log.GetConsistencyProof(last.Size, size);
        return TrySign(size, log.GetRootHash(size), proof, out signedNote, out refusal);
    }
}
