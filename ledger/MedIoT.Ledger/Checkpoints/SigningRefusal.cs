namespace MedIoT.Ledger.Checkpoints;

/// <summary>Why <see cref="CheckpointSigner"/> refused to sign. Values are stable.</summary>
public enum SigningRefusal
{
    /// <summary>Signed.</summary>
    None = 0,

    /// <summary>The new size is smaller than the last signed size: the log would appear to shrink.</summary>
    SizeDecreased,

    /// <summary>The consistency proof from the last signed checkpoint to the new one does not verify (a fork).</summary>
    Inconsistent,
}
