using MedIoT.Ledger.Witness.Cosigning;

namespace MedIoT.Ledger.Witness;

/// <summary>
/// Every log line of the witness, with the stable event ids of <see cref="WitnessLogEvents"/> (docs/witness.md, "Log lines"). No method takes a key,
/// a request body or a signature: origins, sizes, reasons and paths only.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = WitnessLogEvents.Listening, Level = LogLevel.Information, Message = "Witness {Name} listening on {Address}; cosignature key {VerifierKey}; {LogCount} trusted logs")]
    public static partial void Listening(ILogger logger, string name, Uri address, string verifierKey, int logCount);

    [LoggerMessage(EventId = WitnessLogEvents.StateLoaded, Level = LogLevel.Information, Message = "Cosigned state of {Origin}: size {Size} (from {StateFolder})")]
    public static partial void StateLoaded(ILogger logger, string origin, long size, string stateFolder);

    [LoggerMessage(EventId = WitnessLogEvents.Cosigned, Level = LogLevel.Debug, Message = "Cosigned {Origin} at size {Size} (old size {OldSize})")]
    public static partial void Cosigned(ILogger logger, string origin, long size, long oldSize);

    [LoggerMessage(EventId = WitnessLogEvents.Rejected, Level = LogLevel.Warning, Message = "add-checkpoint refused with HTTP {Status}: {Reason} (origin {Origin}): {Detail}. Further refusals for this reason within a minute are counted, not logged")]
    public static partial void Rejected(ILogger logger, int status, string reason, string origin, string detail);

    [LoggerMessage(EventId = WitnessLogEvents.StaleOldSize, Level = LogLevel.Information, Message = "add-checkpoint for {Origin} named old size {OldSize} but the latest cosigned size is {LatestSize}: 409 (the client retries from it). Further ones within a minute are counted, not logged")]
    public static partial void StaleOldSize(ILogger logger, string origin, long oldSize, long latestSize);

    [LoggerMessage(EventId = WitnessLogEvents.Inconsistent, Level = LogLevel.Critical, Message = "SECURITY: {Origin} signed a checkpoint of size {Size} that is inconsistent with the cosigned checkpoint of size {CosignedSize} ({Reason}); refused, evidence kept in {EvidencePath}")]
    public static partial void Inconsistent(ILogger logger, string origin, long size, long cosignedSize, string reason, string evidencePath);

    [LoggerMessage(EventId = WitnessLogEvents.EvidenceFolderFull, Level = LogLevel.Critical, Message = "SECURITY: {Origin} signed a checkpoint of size {Size} that is inconsistent with the cosigned checkpoint of size {CosignedSize} ({Reason}); refused, but the evidence folder holds its maximum of {MaximumFiles} files, so it was not kept")]
    public static partial void EvidenceFolderFull(ILogger logger, string origin, long size, long cosignedSize, string reason, int maximumFiles);

    [LoggerMessage(EventId = WitnessLogEvents.Stopping, Level = LogLevel.Information, Message = "Witness stopping")]
    public static partial void Stopping(ILogger logger);

    /// <summary>Logs a refusal at most once a minute per reason.</summary>
    public static void RejectedThrottled(ILogger logger, RejectionLogThrottle throttle, WitnessResponse response, string origin, string detail)
    {
        if (throttle.ShouldLog(response.Rejection))
        {
            Rejected(logger, response.StatusCode, WitnessMetrics.ReasonTag(response.Rejection), origin, detail);
        }
    }
}
