using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Witness.Tests.Support;

/// <summary>Checks a witness's 200 body the way a client does (tlog-witness: append it to the checkpoint, verify as a note).</summary>
internal static class Cosigned
{
    /// <summary>Asserts that <paramref name="responseBody"/> is exactly one cosignature line by <paramref name="witness"/> over the checkpoint; returns its timestamp.</summary>
    public static long AssertVerifies(string signedCheckpoint, string responseBody, WitnessKey witness)
    {
        Assert.StartsWith("\u2014 " + witness.Name + " ", responseBody, StringComparison.Ordinal);
        Assert.Single(responseBody.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(SignedNote.TryParse(signedCheckpoint + responseBody, out var note), "the cosignature line does not extend the note");
        Assert.True(Cosignatures.TryVerify(note, [witness], out var cosignedBy), "the cosignature does not verify");
        Assert.Equal([witness], cosignedBy);
        var signature = note.Signatures.Single(s => s.Name == witness.Name);
        Assert.True(witness.TryVerify(note.Text, signature.Signature.Span, out var timestamp));
        return timestamp;
    }
}
