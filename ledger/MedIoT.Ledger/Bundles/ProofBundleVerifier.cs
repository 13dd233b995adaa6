using System.Globalization;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using MedIoT.Protocol.Cryptography;
using MedIoT.Protocol.Jws;

namespace MedIoT.Ledger.Bundles;

/// <summary>
/// Checks a <see cref="ProofBundle"/> with public keys only, in this order: the checkpoint note parses and carries a
/// valid signature by a log key; the checkpoint body parses; the entry decodes; the index is below the tree size; the
/// inclusion proof has exactly the right length and leads from the entry's leaf hash to the checkpoint root; and,
/// when device keys are given, the device's JWS inside a device-signed entry verifies and names the entry's device and
/// sequence. Never throws for any bundle.
/// </summary>
public static class ProofBundleVerifier
{
    /// <summary>Verifies <paramref name="bundle"/>; <paramref name="deviceKeys"/> null skips the device signature check.</summary>
    public static BundleVerification Verify(ProofBundle bundle, IReadOnlyCollection<NoteVerifierKey> logKeys,
        IReadOnlyDictionary<string, Ed25519PublicKey>? deviceKeys)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(logKeys);

        if (!SignedNote.TryParse(bundle.SignedCheckpoint, out var note))
        {
            return Fail(BundleFailure.MalformedCheckpoint, "the checkpoint is not a well-formed signed note");
        }

        if (!note.TryVerify(logKeys, out _, out var noteFailure))
        {
            return noteFailure == NoteFailure.InvalidSignature
                ? Fail(BundleFailure.InvalidCheckpointSignature, "the log key's signature on the checkpoint does not verify")
                : Fail(BundleFailure.UnknownCheckpointKey, "the checkpoint has no signature by the given log key");
        }

        if (!Checkpoint.TryParseBody(note.Text, out var checkpoint))
        {
            return Fail(BundleFailure.MalformedCheckpoint, "the signed note is not a tlog-checkpoint (origin, size, root)");
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
        if (deviceKeys is null)
        {
            return new BundleVerification(BundleFailure.None, proven + "; device signature not checked (no device keys given)", checkpoint, entry, false);
        }

        if (entry.Attestation == EntryAttestation.GatewayAttested)
        {
            return new BundleVerification(BundleFailure.None, proven + "; the device does not sign, so only the log's attestation applies", checkpoint, entry, false);
        }

        if (!deviceKeys.TryGetValue(entry.DeviceId, out var deviceKey))
        {
            return new BundleVerification(BundleFailure.UnknownDevice, $"no device key for device '{entry.DeviceId}'", checkpoint, entry, false);
        }

        if (!JwsFrameDecoder.TryDecode(entry.Frame.Span, LedgerEntry.MaxFrameLength, out var jws, out var frameReason, out _))
        {
            return new BundleVerification(BundleFailure.MalformedFrame, $"the device frame is not a valid device JWS ({frameReason})", checkpoint, entry, false);
        }

        if (!jws.VerifySignature(deviceKey))
        {
            return new BundleVerification(BundleFailure.InvalidDeviceSignature, $"the JWS signature does not verify with the key of device '{entry.DeviceId}'", checkpoint, entry, false);
        }

        if (!jws.TryReadFrame(out var frame, out frameReason, out _)
            || !string.Equals(frame.DeviceId, entry.DeviceId, StringComparison.Ordinal) || frame.SequenceNumber != entry.SequenceNumber)
        {
            return new BundleVerification(BundleFailure.FrameMismatch,
                $"the signed frame does not name the entry's device and sequence ({(frameReason == Protocol.Frames.FrameRejectionReason.None ? "different values" : frameReason)})",
                checkpoint, entry, false);
        }

        return new BundleVerification(BundleFailure.None, proven + "; the device's signature verifies", checkpoint, entry, true);
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

    private static string Describe(EntryAttestation attestation) =>
        attestation == EntryAttestation.DeviceSigned ? "device-signed" : "gateway-attested";

    private static BundleVerification Fail(BundleFailure failure, string message) => new(failure, message, null, null, false);
}
