namespace MedIoT.Ledger.Bundles;

/// <summary>Why a proof bundle does not verify. Values are stable; the verifier's exit code is 1 for all of them.</summary>
public enum BundleFailure
{
    /// <summary>Verified.</summary>
    None = 0,

    /// <summary>The bundle text is not a version 1 bundle.</summary>
    MalformedBundle,

    /// <summary>The signed checkpoint is not a well-formed signed note or tlog-checkpoint.</summary>
    MalformedCheckpoint,

    /// <summary>The checkpoint carries no signature by the given log key.</summary>
    UnknownCheckpointKey,

    /// <summary>The log key's signature on the checkpoint does not verify.</summary>
    InvalidCheckpointSignature,

    /// <summary>The entry is not a valid <see cref="Entries.LedgerEntry"/> encoding.</summary>
    MalformedEntry,

    /// <summary>The index is not below the checkpoint's tree size.</summary>
    IndexOutOfRange,

    /// <summary>The inclusion proof has the wrong number of hashes for (index, size), or a hash is not 32 bytes.</summary>
    WrongProofLength,

    /// <summary>The root recomputed from the entry and proof is not the checkpoint's root.</summary>
    RootMismatch,

    /// <summary>Device keys were given but none is for the entry's device.</summary>
    UnknownDevice,

    /// <summary>The frame in a device-signed entry is not a well-formed device JWS.</summary>
    MalformedFrame,

    /// <summary>The device's JWS signature does not verify with the device's key.</summary>
    InvalidDeviceSignature,

    /// <summary>The signed frame names another device or sequence number than the entry.</summary>
    FrameMismatch,

    /// <summary>Ledger keys were given but the bundle carries no <c>anchor mediot-ledger</c> line.</summary>
    MissingAnchor,

    /// <summary>A <c>mediot-ledger</c> anchor is not a well-formed ledger receipt.</summary>
    MalformedAnchor,

    /// <summary>The ledger checkpoint in the receipt carries no signature by a given ledger key.</summary>
    UnknownLedgerKey,

    /// <summary>A given ledger key's signature on the receipt's ledger checkpoint does not verify.</summary>
    InvalidLedgerSignature,

    /// <summary>
    /// The receipt's ledger checkpoint has another origin than the name of the ledger key that signed it (or than the
    /// policy's <see cref="AnchorPolicy.LedgerOrigin"/>, when one is given).
    /// </summary>
    WrongLedgerOrigin,

    /// <summary>
    /// The receipt's inclusion proof does not lead from the bundle's gateway checkpoint to the ledger checkpoint's root: a
    /// changed index or proof hash, or a bundle whose gateway checkpoint is not the one the ledger anchored.
    /// </summary>
    AnchorNotIncluded,

    /// <summary>A given witness's cosignature on the ledger checkpoint does not verify.</summary>
    InvalidCosignature,

    /// <summary>Fewer given witnesses cosigned the ledger checkpoint than required.</summary>
    TooFewCosignatures,

    /// <summary>
    /// The checkpoint's origin is not the name of the log key whose signature verified (the key pins the log: C2SP
    /// tlog-checkpoint, the log's key name is its origin). Last so that the earlier values keep their numbers.
    /// </summary>
    WrongCheckpointOrigin,
}
