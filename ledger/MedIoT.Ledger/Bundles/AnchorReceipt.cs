namespace MedIoT.Ledger.Bundles;

/// <summary>
/// A receipt that anchors the bundle's checkpoint somewhere outside the log. Kind <c>mediot-ledger</c> is the hospital
/// ledger's receipt (<see cref="Anchoring.LedgerReceipt"/>), checked by <see cref="ProofBundleVerifier"/> when an
/// <see cref="AnchorPolicy"/> is given; other kinds are carried verbatim and reported as present but unchecked.
/// </summary>
/// <param name="Kind">A short name, 1 to 32 of [a-z0-9-].</param>
/// <param name="Receipt">The receipt bytes.</param>
public sealed record AnchorReceipt(string Kind, ReadOnlyMemory<byte> Receipt)
{
    /// <summary>True for 1 to 32 of [a-z0-9-].</summary>
    public static bool IsValidKind(string? kind) =>
        !string.IsNullOrEmpty(kind) && kind.Length <= 32 && kind.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
