namespace MedIoT.Ledger.Service.Storage;

/// <summary>A ledger checkpoint the ledger signed, as stored: its size and the signed note with the cosignatures collected so far.</summary>
/// <param name="Size">The ledger's tree size.</param>
/// <param name="Note">The signed note: body, blank line, the ledger's signature, then witness cosignature lines.</param>
public sealed record LedgerCheckpointRecord(long Size, string Note);
