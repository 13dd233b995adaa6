namespace MedIoT.Ledger.Bundles;

/// <summary>
/// A receipt that anchors a checkpoint somewhere outside the log (reserved for a later issue). Version 1 bundles carry
/// receipts verbatim; the verifier reports them as present but unchecked.
/// </summary>
/// <param name="Kind">A short name, 1 to 32 of [a-z0-9-].</param>
/// <param name="Receipt">The receipt bytes.</param>
public sealed record AnchorReceipt(string Kind, ReadOnlyMemory<byte> Receipt)
{
    /// <summary>True for 1 to 32 of [a-z0-9-].</summary>
    public static bool IsValidKind(string? kind) =>
        !string.IsNullOrEmpty(kind) && kind.Length <= 32 && kind.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
