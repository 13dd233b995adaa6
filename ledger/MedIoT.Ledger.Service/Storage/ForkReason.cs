namespace MedIoT.Ledger.Service.Storage;

/// <summary>How a validly signed gateway checkpoint contradicts what the gateway anchored before. Values are stable (stored).</summary>
public enum ForkReason
{
    /// <summary>The same tree size as an anchored checkpoint with a different root hash.</summary>
    SameSizeDifferentRoot = 1,

    /// <summary>A larger checkpoint whose consistency proof from the latest anchored one does not verify (RFC 9162 §2.1.4.2).</summary>
    InconsistentProof = 2,

    /// <summary>A smaller tree size than the latest anchored one whose root differs from the one anchored at that size.</summary>
    OlderSizeDifferentRoot = 3,
}
