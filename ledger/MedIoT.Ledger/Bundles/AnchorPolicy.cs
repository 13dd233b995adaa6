using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Bundles;

/// <summary>
/// What a bundle's ledger anchor must satisfy (issue 8): the hospital ledger's checkpoint verifies with one of
/// <see cref="LedgerKeys"/>, has that key's name as its origin (and is <see cref="LedgerOrigin"/> when given), and at least
/// <see cref="RequiredCosignatures"/> of <see cref="Witnesses"/> cosigned it (C2SP tlog-cosignature).
/// </summary>
public sealed class AnchorPolicy
{
    /// <summary>Creates a policy.</summary>
    /// <exception cref="ArgumentException">No ledger key, or more cosignatures required than there are witnesses.</exception>
    public AnchorPolicy(IReadOnlyCollection<NoteVerifierKey> ledgerKeys, IReadOnlyCollection<WitnessKey> witnesses, int requiredCosignatures,
        string? ledgerOrigin = null)
    {
        ArgumentNullException.ThrowIfNull(ledgerKeys);
        ArgumentNullException.ThrowIfNull(witnesses);
        ArgumentOutOfRangeException.ThrowIfNegative(requiredCosignatures);
        if (ledgerKeys.Count == 0)
        {
            throw new ArgumentException("An anchor policy needs at least one ledger key.", nameof(ledgerKeys));
        }

        if (requiredCosignatures > witnesses.Count)
        {
            throw new ArgumentException("The policy requires more cosignatures than there are trusted witnesses.", nameof(requiredCosignatures));
        }

        LedgerKeys = ledgerKeys;
        Witnesses = witnesses;
        RequiredCosignatures = requiredCosignatures;
        LedgerOrigin = ledgerOrigin;
    }

    /// <summary>The ledger's verifier keys.</summary>
    public IReadOnlyCollection<NoteVerifierKey> LedgerKeys { get; }

    /// <summary>The trusted witnesses' cosignature keys.</summary>
    public IReadOnlyCollection<WitnessKey> Witnesses { get; }

    /// <summary>How many distinct trusted witnesses must have cosigned the ledger checkpoint.</summary>
    public int RequiredCosignatures { get; }

    /// <summary>
    /// The ledger's origin, or null for any of the ledger keys' names. Either way the checkpoint's origin must be the
    /// name of the ledger key that signed it.
    /// </summary>
    public string? LedgerOrigin { get; }
}
