using MedIoT.Cryptography;
using MedIoT.Ledger.Bundles;
using MedIoT.Ledger.Entries;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;

namespace MedIoT.Ledger.Verifier;

/// <summary>
/// The device's own signature inside a bundle's entry (docs/device-protocol.md): the step between a bundle proven in the
/// log and its ledger anchor. The ledger library stores frames as opaque bytes; reading them as device JWS belongs here.
/// </summary>
internal static class DeviceSignatureCheck
{
    /// <summary>
    /// Checks the device-signed entry of <paramref name="proven"/> (a successful in-log verification): the frame is a
    /// well-formed device JWS, its signature verifies with the device's key, and it names the entry's device and sequence.
    /// A gateway event or a gateway-attested entry has no device signature; it passes with a message saying so.
    /// </summary>
    public static BundleVerification Check(BundleVerification proven, IReadOnlyDictionary<string, Ed25519PublicKey> deviceKeys)
    {
        if (!proven.Succeeded || proven.Entry is not { } entry)
        {
            return proven;
        }

        if (entry.Attestation == EntryAttestation.GatewayAttested)
        {
            return proven with { Message = proven.Message + "; the device does not sign, so only the log's attestation applies" };
        }

        if (!deviceKeys.TryGetValue(entry.DeviceId, out var deviceKey))
        {
            return proven with { Failure = BundleFailure.UnknownDevice, Message = $"no device key for device '{entry.DeviceId}'" };
        }

        if (!JwsFrameDecoder.TryDecode(entry.Frame.Span, LedgerEntry.MaxFrameLength, out var jws, out var frameReason, out _))
        {
            return proven with { Failure = BundleFailure.MalformedFrame, Message = $"the device frame is not a valid device JWS ({frameReason})" };
        }

        if (!jws.VerifySignature(deviceKey))
        {
            return proven with
            {
                Failure = BundleFailure.InvalidDeviceSignature,
                Message = $"the JWS signature does not verify with the key of device '{entry.DeviceId}'",
            };
        }

        if (!jws.TryReadFrame(out var frame, out frameReason, out _)
            || !string.Equals(frame.DeviceId, entry.DeviceId, StringComparison.Ordinal) || frame.SequenceNumber != entry.SequenceNumber)
        {
            return proven with
            {
                Failure = BundleFailure.FrameMismatch,
                Message = $"the signed frame does not name the entry's device and sequence ({(frameReason == FrameRejectionReason.None ? "different values" : frameReason)})",
            };
        }

        return proven with { Message = proven.Message + "; the device's signature verifies", DeviceSignatureChecked = true };
    }
}
