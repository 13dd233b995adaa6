using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;

namespace MedIoT.Ledger.Bundles;

/// <summary>The outcome of <c>ProofBundleVerifier.Verify</c>.</summary>
/// <param name="Failure">Why it failed, or <see cref="BundleFailure.None"/>.</param>
/// <param name="Message">One line for a person: what was proven, or what is wrong. Never contains frame payloads.</param>
/// <param name="Checkpoint">The verified checkpoint, when its signature verified.</param>
/// <param name="Entry">The decoded entry, when it decoded.</param>
/// <param name="DeviceSignatureChecked">Whether the device's own JWS signature was verified.</param>
public sealed record BundleVerification(BundleFailure Failure, string Message, Checkpoint? Checkpoint, LedgerEntry? Entry, bool DeviceSignatureChecked)
{
    /// <summary>True when the bundle verified.</summary>
    public bool Succeeded => Failure == BundleFailure.None;
}
