namespace MedIoT.Ledger.Anchoring;

/// <summary>Why a ledger receipt did not verify. Values are stable: callers count and report them per reason.</summary>
public enum ReceiptFailure
{
    /// <summary>The receipt verified.</summary>
    None = 0,

    /// <summary>The receipt text is not a well-formed version 1 receipt.</summary>
    Malformed,

    /// <summary>The ledger checkpoint carries no signature by a trusted ledger key.</summary>
    UnknownLedgerKey,

    /// <summary>A trusted ledger key's signature on the ledger checkpoint does not verify.</summary>
    InvalidLedgerSignature,

    /// <summary>
    /// The ledger checkpoint's origin is not the name of the trusted ledger key that signed it, or not the expected one.
    /// </summary>
    WrongLedgerOrigin,

    /// <summary>The inclusion proof does not lead from the anchored checkpoint to the ledger checkpoint's root.</summary>
    NotIncluded,

    /// <summary>A trusted witness's cosignature on the ledger checkpoint does not verify.</summary>
    InvalidCosignature,

    /// <summary>Fewer trusted witnesses cosigned the ledger checkpoint than the policy requires.</summary>
    TooFewCosignatures,
}
