namespace MedIoT.Ledger.Service.Storage;

/// <summary>
/// Evidence that a gateway signed a checkpoint inconsistent with one it anchored before: both signed notes and the
/// refused request's consistency proof, enough for anyone to check the fork offline with the gateway's public key.
/// </summary>
/// <param name="Id">The evidence number (assigned by the store; 0 before it is stored).</param>
/// <param name="Origin">The gateway's log origin.</param>
/// <param name="Reason">Why the checkpoint is a fork.</param>
/// <param name="DetectedAtUnixMilliseconds">When the ledger refused it.</param>
/// <param name="RefusedRequest">The refused add-checkpoint body, verbatim (old size, proof lines, signed note).</param>
/// <param name="ConflictingNote">The anchored signed note it conflicts with.</param>
public sealed record ForkEvidence(long Id, string Origin, ForkReason Reason, long DetectedAtUnixMilliseconds, string RefusedRequest, string ConflictingNote);
