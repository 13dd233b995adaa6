using System.Globalization;
using System.Text;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;

namespace MedIoT.Ledger.Bundles;

/// <summary>
/// Checks a <see cref="ProofBundle"/> with public keys only, in this order: the checkpoint note parses and carries a
/// valid signature by a log key; the checkpoint body parses and its origin is that key's name (the key pins the log);
/// the entry decodes; the index is below the tree size; the inclusion proof has exactly the right length and leads from
/// the entry's leaf hash to the checkpoint root; and, when an <see cref="AnchorPolicy"/> is given, that a
/// <c>mediot-ledger</c> anchor receipt proves the bundle's gateway checkpoint is in the hospital ledger under a ledger
/// checkpoint of the origin its trusted ledger key names, signed by that key and cosigned by enough
/// trusted witnesses (the full chain: entry, gateway checkpoint, ledger inclusion, ledger checkpoint, cosignatures).
/// The ledger knows nothing of device frames: checking the device's own signature inside a device-signed entry is the
/// caller's step between <see cref="Verify(ProofBundle, IReadOnlyCollection{NoteVerifierKey})"/> and
/// <see cref="VerifyAnchor"/> (<c>mediot-verify</c> does it with <c>--device-keys</c>). Never throws for any bundle.
/// </summary>
public static class ProofBundleVerifier
{
    /// <summary>Verifies that the bundle's entry is in the log under a checkpoint signed by one of <paramref name="logKeys"/>.</summary>
    public static BundleVerification Verify(ProofBundle bundle, IReadOnlyCollection<NoteVerifierKey> logKeys) => VerifyInLog(bundle, logKeys);

    /// <summary>
    /// Verifies <paramref name="bundle"/> in the log and then, unless <paramref name="anchorPolicy"/> is null, its ledger
    /// anchor (anchor lines are otherwise carried but not checked).
    /// </summary>
    public static BundleVerification Verify(ProofBundle bundle, IReadOnlyCollection<NoteVerifierKey> logKeys, AnchorPolicy? anchorPolicy)
    {
        var result = VerifyInLog(bundle, logKeys);
        return result.Succeeded && anchorPolicy is not null ? VerifyAnchor(bundle, result, anchorPolicy) : result;
    }

    private static BundleVerification VerifyInLog(ProofBundle bundle, IReadOnlyCollection<NoteVerifierKey> logKeys)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(logKeys);

        if (!SignedNote.TryParse(bundle.SignedCheckpoint, out var note))
        {
            return Fail(BundleFailure.MalformedCheckpoint, "the checkpoint is not a well-formed signed note");
        }

        if (!note.TryVerify(logKeys, out var signedBy, out var noteFailure))
        {
            return noteFailure == NoteFailure.InvalidSignature
                ? Fail(BundleFailure.InvalidCheckpointSignature, "the log key's signature on the checkpoint does not verify")
                : Fail(BundleFailure.UnknownCheckpointKey, "the checkpoint has no signature by the given log key");
        }

        if (!Checkpoint.TryParseBody(note.Text, out var checkpoint))
        {
            return Fail(BundleFailure.MalformedCheckpoint, "the signed note is not a tlog-checkpoint (origin, size, root)");
        }

        if (!Checkpoint.IsOriginOf(checkpoint.Origin, signedBy))
        {
            return Fail(BundleFailure.WrongCheckpointOrigin,
                $"the checkpoint is for log {Checkpoint.Quote(checkpoint.Origin)}, but the log key that signed it is named {Checkpoint.Quote(signedBy[0].Name)} (a log key vouches only for checkpoints of its own origin)");
        }

        if (AlarmEventEntry.IsGatewayEvent(bundle.Entry.Span))
        {
            return VerifyAlarmEvent(bundle, checkpoint);
        }

        if (!LedgerEntry.TryDecode(bundle.Entry.Span, out var entry, out var entryFailure))
        {
            return new BundleVerification(BundleFailure.MalformedEntry, $"the entry is not a valid ledger entry ({entryFailure})", checkpoint, null, false);
        }

        var leafHash = MerkleHash.HashLeaf(bundle.Entry.Span);
        if (!MerkleProofVerifier.TryVerifyInclusion(bundle.Index, checkpoint.Size, leafHash, bundle.InclusionProof, checkpoint.RootHash, out var proofFailure))
        {
            var message = proofFailure switch
            {
                ProofFailure.IndexOutOfRange => string.Create(CultureInfo.InvariantCulture,
                    $"index {bundle.Index} is not below the checkpoint's tree size {checkpoint.Size}"),
                ProofFailure.WrongProofLength => string.Create(CultureInfo.InvariantCulture,
                    $"the inclusion proof has {bundle.InclusionProof.Count} hashes; index {bundle.Index} in a tree of {checkpoint.Size} needs {ProofLength.Inclusion(bundle.Index, checkpoint.Size)}"),
                ProofFailure.MalformedHash => "an inclusion proof hash is not 32 bytes",
                _ => "the root computed from the entry and the inclusion proof is not the checkpoint's root",
            };
            var failure = proofFailure switch
            {
                ProofFailure.IndexOutOfRange => BundleFailure.IndexOutOfRange,
                ProofFailure.WrongProofLength or ProofFailure.MalformedHash => BundleFailure.WrongProofLength,
                _ => BundleFailure.RootMismatch,
            };
            return new BundleVerification(failure, message, checkpoint, entry, false);
        }

        var proven = string.Create(CultureInfo.InvariantCulture,
            $"entry {bundle.Index} (device {entry.DeviceId}, sequence {entry.SequenceNumber}, {Describe(entry.Attestation)}) is in log '{checkpoint.Origin}' of size {checkpoint.Size}");
        return new BundleVerification(BundleFailure.None, proven, checkpoint, entry, false);
    }

    // A gateway event record (format version 2): no device signs it, so inclusion under the log's signed checkpoint is the
    // whole proof; device keys do not apply.
    private static BundleVerification VerifyAlarmEvent(ProofBundle bundle, Checkpoint checkpoint)
    {
        if (!AlarmEventEntry.TryDecode(bundle.Entry.Span, out var alarm, out var alarmFailure))
        {
            return new BundleVerification(BundleFailure.MalformedEntry, $"the entry is not a valid alarm event entry ({alarmFailure})", checkpoint, null, false);
        }

        var leafHash = MerkleHash.HashLeaf(bundle.Entry.Span);
        if (!MerkleProofVerifier.TryVerifyInclusion(bundle.Index, checkpoint.Size, leafHash, bundle.InclusionProof, checkpoint.RootHash, out var proofFailure))
        {
            var failure = proofFailure switch
            {
                ProofFailure.IndexOutOfRange => BundleFailure.IndexOutOfRange,
                ProofFailure.WrongProofLength or ProofFailure.MalformedHash => BundleFailure.WrongProofLength,
                _ => BundleFailure.RootMismatch,
            };
            return new BundleVerification(failure, string.Create(CultureInfo.InvariantCulture,
                $"the alarm event entry {bundle.Index} is not proven in a tree of size {checkpoint.Size} ({proofFailure})"), checkpoint, null, false);
        }

        var place = alarm.Ward is null ? "gateway" : alarm.Ward + "/" + alarm.Bed;
        return new BundleVerification(BundleFailure.None, string.Create(CultureInfo.InvariantCulture,
            $"entry {bundle.Index} (alarm {alarm.AlarmId} event kind {alarm.EventKind}, condition {alarm.ConditionKey} at {place}, gateway event) is in log '{checkpoint.Origin}' of size {checkpoint.Size}; a gateway event has no device signature, so only the log's attestation applies"),
            checkpoint, null, false);
    }

    /// <summary>
    /// The ledger link of a bundle whose entry <paramref name="proven"/> showed in the log: any one <c>mediot-ledger</c>
    /// receipt that verifies under <paramref name="policy"/> proves the chain; when none does, the first receipt's failure
    /// is the reason given.
    /// </summary>
    public static BundleVerification VerifyAnchor(ProofBundle bundle, BundleVerification proven, AnchorPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(proven);
        ArgumentNullException.ThrowIfNull(policy);
        BundleVerification? firstFailure = null;
        var receipts = 0;
        foreach (var anchor in bundle.Anchors.Where(a => string.Equals(a.Kind, LedgerReceipt.BundleAnchorKind, StringComparison.Ordinal)))
        {
            receipts++;
            if (!System.Text.Unicode.Utf8.IsValid(anchor.Receipt.Span)
                || !LedgerReceipt.TryParse(Encoding.UTF8.GetString(anchor.Receipt.Span), out var receipt))
            {
                firstFailure ??= proven with
                {
                    Failure = BundleFailure.MalformedAnchor,
                    Message = "the mediot-ledger anchor is not a well-formed 'mediot-ledger-receipt v1'",
                };
                continue;
            }

            var outcome = receipt.Verify(bundle.SignedCheckpoint, policy.LedgerKeys, policy.LedgerOrigin, policy.Witnesses, policy.RequiredCosignatures);
            if (outcome == ReceiptFailure.None)
            {
                return proven with { Message = proven.Message + "; " + DescribeAnchor(receipt, policy) };
            }

            firstFailure ??= proven with { Failure = ToBundleFailure(outcome), Message = DescribeFailure(outcome, receipt, policy) };
        }

        return firstFailure ?? proven with
        {
            Failure = BundleFailure.MissingAnchor,
            Message = receipts == 0 && bundle.Anchors.Count > 0
                ? "ledger keys were given but the bundle has no 'anchor mediot-ledger' line (only other anchor kinds)"
                : "ledger keys were given but the bundle has no 'anchor mediot-ledger' line (its checkpoint was not anchored)",
        };
    }

    private static string DescribeAnchor(LedgerReceipt receipt, AnchorPolicy policy)
    {
        Checkpoint.TryOpen(receipt.LedgerCheckpoint, policy.LedgerKeys, policy.LedgerOrigin, out var ledger, out _);
        SignedNote.TryParse(receipt.LedgerCheckpoint, out var note);
        var cosigned = note is not null && Cosignatures.TryVerify(note, policy.Witnesses, out var by) ? by.Count : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"the checkpoint is leaf {receipt.Index} of ledger '{ledger?.Origin}' of size {ledger?.Size}, cosigned by {cosigned} trusted witness(es) ({policy.RequiredCosignatures} required)");
    }

    private static BundleFailure ToBundleFailure(ReceiptFailure failure) => failure switch
    {
        ReceiptFailure.UnknownLedgerKey => BundleFailure.UnknownLedgerKey,
        ReceiptFailure.InvalidLedgerSignature => BundleFailure.InvalidLedgerSignature,
        ReceiptFailure.WrongLedgerOrigin => BundleFailure.WrongLedgerOrigin,
        ReceiptFailure.NotIncluded => BundleFailure.AnchorNotIncluded,
        ReceiptFailure.InvalidCosignature => BundleFailure.InvalidCosignature,
        ReceiptFailure.TooFewCosignatures => BundleFailure.TooFewCosignatures,
        _ => BundleFailure.MalformedAnchor,
    };

    private static string DescribeFailure(ReceiptFailure failure, LedgerReceipt receipt, AnchorPolicy policy) => failure switch
    {
        ReceiptFailure.UnknownLedgerKey => "the receipt's ledger checkpoint has no signature by the given ledger key",
        ReceiptFailure.InvalidLedgerSignature => "the ledger key's signature on the receipt's ledger checkpoint does not verify",
        ReceiptFailure.WrongLedgerOrigin => policy.LedgerOrigin is null
            ? $"the receipt's ledger checkpoint is for ledger {Checkpoint.Quote(receipt.ClaimedLedgerOrigin)}, not the one named by the ledger key that signed it (a ledger key vouches only for checkpoints of its own origin)"
            : $"the receipt's ledger checkpoint is for ledger {Checkpoint.Quote(receipt.ClaimedLedgerOrigin)}, not {Checkpoint.Quote(policy.LedgerOrigin)}",
        ReceiptFailure.NotIncluded => string.Create(CultureInfo.InvariantCulture,
            $"the receipt does not prove the bundle's gateway checkpoint is leaf {receipt.Index} of the ledger checkpoint (changed receipt, or the bundle's checkpoint is not the anchored one)"),
        ReceiptFailure.InvalidCosignature => "a trusted witness's cosignature on the ledger checkpoint does not verify (it is for another checkpoint, or changed)",
        ReceiptFailure.TooFewCosignatures => string.Create(CultureInfo.InvariantCulture,
            $"fewer than the required {policy.RequiredCosignatures} trusted witnesses cosigned the ledger checkpoint"),
        _ => "the receipt's ledger checkpoint is not a well-formed checkpoint note",
    };

    private static string Describe(EntryAttestation attestation) =>
        attestation == EntryAttestation.DeviceSigned ? "device-signed" : "gateway-attested";

    private static BundleVerification Fail(BundleFailure failure, string message) => new(failure, message, null, null, false);
}
