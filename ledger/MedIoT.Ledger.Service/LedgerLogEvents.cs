namespace MedIoT.Ledger.Service;

/// <summary>
/// The event ids of the ledger service's log lines (<see cref="Log"/>), 100–119. Stable: operators filter on them, and
/// docs/ledger-service.md lists each name with its number. Never reuse or renumber one.
/// </summary>
internal static class LedgerLogEvents
{
    public const int Starting = 100;
    public const int Listening = 101;
    public const int SubmissionRejected = 102;
    public const int ForkDetected = 103;
    public const int WitnessCosigned = 104;
    public const int WitnessRefused = 105;
    public const int WitnessUnreachable = 106;
    public const int WitnessBadCosignature = 107;
    public const int AlarmConnected = 108;
    public const int AlarmConnectionLost = 109;
    public const int AlarmPublished = 110;
    public const int StoreFailed = 111;
    public const int SigningRefused = 112;
    public const int WitnessSizeCorrected = 113;
    public const int RequestRejected = 114;
}
