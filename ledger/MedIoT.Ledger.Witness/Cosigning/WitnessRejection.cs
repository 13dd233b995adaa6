namespace MedIoT.Ledger.Witness.Cosigning;

/// <summary>Why an add-checkpoint request was not cosigned (C2SP tlog-witness, "add-checkpoint"). Values are stable: they are metric tags.</summary>
internal enum WitnessRejection
{
    /// <summary>Cosigned (200).</summary>
    None = 0,

    /// <summary>400: the body is not an old size line, proof lines, an empty line and a signed note; or the note's text is not a checkpoint.</summary>
    MalformedBody,

    /// <summary>413: the body is larger than Witness:MaximumRequestBodyBytes.</summary>
    BodyTooLarge,

    /// <summary>404: no log with the checkpoint's origin is trusted.</summary>
    UnknownOrigin,

    /// <summary>403: no signature by a key trusted for the origin verifies (or one by a trusted key fails).</summary>
    BadSignature,

    /// <summary>400: the old size is larger than the checkpoint's size.</summary>
    OldSizeAboveCheckpoint,

    /// <summary>400: consistency proof lines were sent with an old size of zero, where the proof must be empty.</summary>
    ProofFromEmptyTree,

    /// <summary>409 with <c>text/x.tlog.size</c>: the old size is not the size of the latest cosigned checkpoint.</summary>
    StaleOldSize,

    /// <summary>409: the checkpoint has the size of the latest cosigned one but another root hash (a fork; kept as evidence).</summary>
    SameSizeDifferentRoot,

    /// <summary>422: the consistency proof does not verify from the latest cosigned checkpoint (kept as evidence).</summary>
    InconsistentProof,

    /// <summary>
    /// 403: a trusted log's key validly signed a checkpoint of another origin (a log's key vouches only for its own
    /// origin). Last so that the earlier values keep their numbers.
    /// </summary>
    WrongOrigin,
}
