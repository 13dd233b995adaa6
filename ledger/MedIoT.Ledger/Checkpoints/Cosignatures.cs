namespace MedIoT.Ledger.Checkpoints;

/// <summary>
/// Checks the witness cosignatures on a signed checkpoint note against a set of trusted witnesses (C2SP
/// tlog-cosignature): lines whose name and key id match no trusted witness are ignored; a trusted witness's line that
/// does not verify fails the whole note, as a bad signature by a known key does in signed-note.
/// </summary>
public static class Cosignatures
{
    /// <summary>
    /// Verifies every cosignature on <paramref name="note"/> by a witness in <paramref name="witnesses"/>.
    /// <paramref name="cosignedBy"/> lists each trusted witness that cosigned, once.
    /// </summary>
    public static bool TryVerify(SignedNote note, IReadOnlyCollection<WitnessKey> witnesses, out IReadOnlyList<WitnessKey> cosignedBy)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(witnesses);
        var verified = new List<WitnessKey>();
        cosignedBy = verified;
        foreach (var signature in note.Signatures)
        {
            var witness = witnesses.FirstOrDefault(w => w.KeyId == signature.KeyId && string.Equals(w.Name, signature.Name, StringComparison.Ordinal));
            if (witness is null)
            {
                continue;
            }

            if (!witness.TryVerify(note.Text, signature.Signature.Span, out _))
            {
                verified.Clear();
                return false;
            }

            if (!verified.Contains(witness))
            {
                verified.Add(witness);
            }
        }

        return true;
    }

    /// <summary>True when the note's cosignatures all verify and at least <paramref name="required"/> distinct trusted witnesses cosigned it.</summary>
    public static bool MeetPolicy(SignedNote note, IReadOnlyCollection<WitnessKey> witnesses, int required) =>
        TryVerify(note, witnesses, out var cosignedBy) && cosignedBy.Count >= required;
}
