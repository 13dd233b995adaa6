namespace MedIoT.Ledger.Checkpoints;

/// <summary>Why a signed note or checkpoint was rejected. Values are stable.</summary>
public enum NoteFailure
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>
    /// Not a C2SP signed note: not UTF-8, a control character other than newline, no blank line before the
    /// signatures, a signature line that does not start with an em dash (U+2014) and a space, a bad key name,
    /// non-canonical base64, a missing final newline, or more than 100 signatures.
    /// </summary>
    MalformedNote,

    /// <summary>A signature by a known key (same name and key id) does not verify.</summary>
    InvalidSignature,

    /// <summary>No signature is by a known key (unknown keys are ignored, and at least one known key is required).</summary>
    NoKnownSignature,

    /// <summary>The note text is not a C2SP tlog-checkpoint body (origin, decimal size, base64 32-byte root).</summary>
    MalformedCheckpoint,

    /// <summary>
    /// The checkpoint's origin is not the name of a trusted key that signed it (C2SP tlog-checkpoint: the log's key
    /// name is its origin), or not the origin the caller expected.
    /// </summary>
    WrongOrigin,
}
