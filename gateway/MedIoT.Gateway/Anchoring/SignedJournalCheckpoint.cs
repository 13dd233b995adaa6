namespace MedIoT.Gateway.Anchoring;

/// <summary>One checkpoint the journal signed: its tree size and its signed note, verbatim (the ledger's leaf).</summary>
/// <param name="Size">The checkpoint's tree size.</param>
/// <param name="Note">The signed checkpoint note exactly as the journal kept it.</param>
internal sealed record SignedJournalCheckpoint(long Size, string Note);
