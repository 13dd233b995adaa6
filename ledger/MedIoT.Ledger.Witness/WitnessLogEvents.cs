namespace MedIoT.Ledger.Witness;

/// <summary>
/// The event ids of the witness's log lines (<see cref="Log"/>), 120–129. Stable: operators filter on them, and
/// docs/witness.md lists each name with its number. Never reuse or renumber one.
/// </summary>
internal static class WitnessLogEvents
{
    public const int Listening = 120;
    public const int StateLoaded = 121;
    public const int Cosigned = 122;
    public const int Rejected = 123;
    public const int StaleOldSize = 124;
    public const int Inconsistent = 125;
    public const int EvidenceFolderFull = 126;
    public const int Stopping = 127;
}
