namespace MedIoT.Gateway.Anchoring;

/// <summary>What the ledger said to one request.</summary>
internal enum LedgerAnswerKind
{
    /// <summary>200 with a body (a receipt).</summary>
    Ok,

    /// <summary>409 with the ledger's latest anchored size (<c>text/x.tlog.size</c>).</summary>
    Conflict,

    /// <summary>404: not anchored (GET /receipt) or an unregistered origin.</summary>
    NotFound,

    /// <summary>
    /// The ledger refused the checkpoint as a fork of what this gateway anchored before and kept it as evidence
    /// (docs/ledger-service.md): a 409 that is not <c>text/x.tlog.size</c> (<c>text/plain</c>, "fork: ...", the same size
    /// with another root) or a 422 (the consistency proof from the anchored checkpoint does not verify, RFC 9162
    /// §2.1.4.2). Retrying cannot help; never parsed as a size.
    /// </summary>
    Fork,

    /// <summary>Another 4xx: the ledger refuses this request as it is.</summary>
    Refused,

    /// <summary>No answer: refused connection, timeout, 5xx. Retried.</summary>
    Unavailable,
}

/// <summary>One answer of the ledger.</summary>
/// <param name="Kind">The kind of answer.</param>
/// <param name="Body">The receipt text (<see cref="LedgerAnswerKind.Ok"/>).</param>
/// <param name="Size">The ledger's size (<see cref="LedgerAnswerKind.Conflict"/>).</param>
/// <param name="Detail">One line for the log: the status and the start of the body, or the failure.</param>
internal sealed record LedgerAnswer(LedgerAnswerKind Kind, string? Body, long Size, string Detail);
