using System.Diagnostics.CodeAnalysis;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;

namespace MedIoT.Gateway.Anchoring;

/// <summary>What the gateway checks before it keeps (or bundles) a receipt the ledger sent.</summary>
internal static class ReceiptCheck
{
    /// <summary>
    /// True when <paramref name="body"/> is a receipt whose inclusion proof leads from <paramref name="signedNote"/> (the
    /// ledger's leaf, verbatim) to the root of the ledger checkpoint it carries, and, when <paramref name="ledgerKey"/>
    /// is known, that checkpoint carries the ledger's valid signature and has the key's name as its origin (the key pins
    /// the ledger: <see cref="ReceiptFailure.WrongLedgerOrigin"/> otherwise). Witness cosignatures are the verifier's
    /// business. <paramref name="failure"/> is why it was refused; <paramref name="reason"/> says it for a person.
    /// </summary>
    public static bool TryCheck(string signedNote, string? body, NoteVerifierKey? ledgerKey, [NotNullWhen(true)] out LedgerReceipt? receipt,
        out ReceiptFailure failure, [NotNullWhen(false)] out string? reason)
    {
        if (!LedgerReceipt.TryParse(body, out receipt))
        {
            failure = ReceiptFailure.Malformed;
            reason = "the answer is not a 'mediot-ledger-receipt v1'";
            return false;
        }

        if (ledgerKey is not null)
        {
            failure = receipt.Verify(signedNote, [ledgerKey], null, [], 0);
            reason = failure switch
            {
                ReceiptFailure.None => null,
                ReceiptFailure.WrongLedgerOrigin => $"the receipt's ledger checkpoint is for ledger {Checkpoint.Quote(receipt.ClaimedLedgerOrigin)}, not '{ledgerKey.Name}', " +
                    "the name of Gateway:Anchoring:LedgerKey (WrongLedgerOrigin)",
                _ => $"the receipt does not verify with the ledger key ({failure})",
            };
            return reason is null;
        }

        if (!SignedNote.TryParse(receipt.LedgerCheckpoint, out var note) || !Checkpoint.TryParseBody(note.Text, out var ledger)
            || !MerkleProofVerifier.TryVerifyInclusion(receipt.Index, ledger.Size, MerkleHash.HashLeaf(LedgerReceipt.LeafFor(signedNote)),
                receipt.InclusionProof, ledger.RootHash, out _))
        {
            failure = ReceiptFailure.NotIncluded;
            reason = "the receipt does not prove this checkpoint is in the ledger checkpoint it names";
            return false;
        }

        failure = ReceiptFailure.None;
        reason = null;
        return true;
    }

    /// <summary>The configured ledger key (<c>Gateway:Anchoring:LedgerKey</c>), or null when none is set.</summary>
    public static NoteVerifierKey? LedgerKey(AnchoringOptions options) =>
        !string.IsNullOrWhiteSpace(options.LedgerKey) && NoteVerifierKey.TryParse(options.LedgerKey.Trim(), out var key, out _) ? key : null;
}
