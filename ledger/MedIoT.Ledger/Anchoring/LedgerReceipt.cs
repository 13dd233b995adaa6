using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;

namespace MedIoT.Ledger.Anchoring;

/// <summary>
/// The hospital ledger's receipt for one anchored gateway checkpoint: proof that the checkpoint is leaf
/// <see cref="Index"/> of the ledger's own RFC 9162 log, under a checkpoint the ledger signed and witnesses cosigned.
/// The ledger's leaf is the UTF-8 bytes of the gateway's signed checkpoint note exactly as it was submitted, so the
/// receipt also keeps the gateway's signature. Text, UTF-8, lines ending in "\n":
/// <code>
/// mediot-ledger-receipt v1
/// index &lt;leaf index in the ledger log, decimal&gt;
/// proof &lt;base64 hash&gt;          (the inclusion proof, leaf side first; none for a ledger of one leaf)
///
/// &lt;the ledger's signed checkpoint note, verbatim: body, blank line, the ledger's signature, witness cosignatures&gt;
/// </code>
/// Parsing is strict (fixed order, canonical numbers and base64, size limits) and never throws.
/// </summary>
public sealed class LedgerReceipt
{
    /// <summary>The first line of every version 1 receipt.</summary>
    public const string Header = "mediot-ledger-receipt v1";

    /// <summary>The kind under which a receipt travels in a proof bundle's <c>anchor</c> line.</summary>
    public const string BundleAnchorKind = "mediot-ledger";

    /// <summary>The most inclusion-proof lines a receipt may carry (a tree of 2^63 leaves needs 63).</summary>
    public const int MaxProofLines = 63;

    /// <summary>The largest receipt accepted, in bytes.</summary>
    public const int MaxReceiptBytes = SignedNote.MaxNoteBytes + 4096;

    /// <summary>Creates a receipt.</summary>
    /// <exception cref="ArgumentException">The proof is too long or a hash is not 32 bytes.</exception>
    public LedgerReceipt(long index, IReadOnlyList<byte[]> inclusionProof, string ledgerCheckpoint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentNullException.ThrowIfNull(inclusionProof);
        ArgumentNullException.ThrowIfNull(ledgerCheckpoint);
        if (inclusionProof.Count > MaxProofLines || inclusionProof.Any(h => h is not { Length: 32 }))
        {
            throw new ArgumentException("An inclusion proof is at most 63 hashes of 32 bytes.", nameof(inclusionProof));
        }

        Index = index;
        InclusionProof = inclusionProof;
        LedgerCheckpoint = ledgerCheckpoint;
    }

    /// <summary>The anchored checkpoint's leaf index in the ledger's log.</summary>
    public long Index { get; }

    /// <summary>The inclusion proof of that leaf in the ledger checkpoint's tree.</summary>
    public IReadOnlyList<byte[]> InclusionProof { get; }

    /// <summary>The ledger's signed (and possibly cosigned) checkpoint note, verbatim.</summary>
    public string LedgerCheckpoint { get; }

    /// <summary>
    /// The origin line of <see cref="LedgerCheckpoint"/> as it claims, unverified (for messages), or null when the note
    /// text is not a checkpoint.
    /// </summary>
    public string? ClaimedLedgerOrigin =>
        SignedNote.TryParse(LedgerCheckpoint, out var note) && Checkpoint.TryParseBody(note.Text, out var checkpoint) ? checkpoint.Origin : null;

    /// <summary>The ledger's leaf for an anchored gateway checkpoint: the UTF-8 bytes of its signed note, verbatim.</summary>
    public static byte[] LeafFor(string signedGatewayCheckpoint)
    {
        ArgumentNullException.ThrowIfNull(signedGatewayCheckpoint);
        return Encoding.UTF8.GetBytes(signedGatewayCheckpoint);
    }

    /// <summary>Formats the receipt.</summary>
    public string Format()
    {
        var builder = new StringBuilder(LedgerCheckpoint.Length + 64 + (InclusionProof.Count * 51));
        builder.Append(Header).Append('\n').Append(CultureInfo.InvariantCulture, $"index {Index}\n");
        foreach (var hash in InclusionProof)
        {
            builder.Append("proof ").Append(Convert.ToBase64String(hash)).Append('\n');
        }

        return builder.Append('\n').Append(LedgerCheckpoint).ToString();
    }

    /// <summary>Parses receipt text without verifying it.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out LedgerReceipt? receipt)
    {
        receipt = null;
        if (text is null || text.Length > MaxReceiptBytes)
        {
            return false;
        }

        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0)
        {
            return false;
        }

        var lines = text[..blank].Split('\n');
        if (lines.Length < 2 || lines.Length - 2 > MaxProofLines || !string.Equals(lines[0], Header, StringComparison.Ordinal)
            || !lines[1].StartsWith("index ", StringComparison.Ordinal) || !CanonicalDecimal.TryParse(lines[1].AsSpan(6), out var index))
        {
            return false;
        }

        var proof = new byte[lines.Length - 2][];
        for (var i = 2; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("proof ", StringComparison.Ordinal) || !StrictBase64.TryDecode(lines[i][6..], out var hash) || hash.Length != 32)
            {
                return false;
            }

            proof[i - 2] = hash;
        }

        var note = text[(blank + 2)..];
        if (!SignedNote.TryParse(note, out _))
        {
            return false;
        }

        receipt = new LedgerReceipt(index, proof, note);
        return true;
    }

    /// <summary>
    /// Verifies, with public keys only, that <paramref name="signedGatewayCheckpoint"/> is in the ledger under this
    /// receipt's checkpoint: the ledger checkpoint verifies with a trusted ledger key, its origin is that key's name
    /// (and is <paramref name="ledgerOrigin"/> when given), the inclusion proof leads from the gateway checkpoint's leaf hash to
    /// its root, every trusted witness's cosignature verifies, and at least <paramref name="requiredCosignatures"/>
    /// trusted witnesses cosigned. Never throws for any input.
    /// </summary>
    public ReceiptFailure Verify(string signedGatewayCheckpoint, IReadOnlyCollection<NoteVerifierKey> ledgerKeys, string? ledgerOrigin,
        IReadOnlyCollection<WitnessKey> witnesses, int requiredCosignatures)
    {
        ArgumentNullException.ThrowIfNull(signedGatewayCheckpoint);
        ArgumentNullException.ThrowIfNull(ledgerKeys);
        ArgumentNullException.ThrowIfNull(witnesses);
        if (!SignedNote.TryParse(LedgerCheckpoint, out var note))
        {
            return ReceiptFailure.Malformed;
        }

        if (!Checkpoint.TryOpen(LedgerCheckpoint, ledgerKeys, ledgerOrigin, out var checkpoint, out var noteFailure))
        {
            return noteFailure switch
            {
                NoteFailure.InvalidSignature => ReceiptFailure.InvalidLedgerSignature,
                NoteFailure.NoKnownSignature => ReceiptFailure.UnknownLedgerKey,
                NoteFailure.WrongOrigin => ReceiptFailure.WrongLedgerOrigin,
                _ => ReceiptFailure.Malformed,
            };
        }

        var leafHash = MerkleHash.HashLeaf(LeafFor(signedGatewayCheckpoint));
        if (!MerkleProofVerifier.TryVerifyInclusion(Index, checkpoint.Size, leafHash, InclusionProof, checkpoint.RootHash, out _))
        {
            return ReceiptFailure.NotIncluded;
        }

        if (!Cosignatures.TryVerify(note, witnesses, out var cosignedBy))
        {
            return ReceiptFailure.InvalidCosignature;
        }

        return cosignedBy.Count >= requiredCosignatures ? ReceiptFailure.None : ReceiptFailure.TooFewCosignatures;
    }
}
