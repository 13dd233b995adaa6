using MedIoT.Ledger.Service.Storage;

namespace MedIoT.Ledger.Service;

/// <summary>Every log line of the ledger service, with stable event ids 100-119. No method takes a secret.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Information, "Ledger {Origin} starting: {LeafCount} leaves, {GatewayCount} registered gateways, {WitnessCount} witnesses ({RequiredCosignatures} required), storage {Storage}; verifier key {VerifierKey}")]
    public static partial void Starting(ILogger logger, string origin, long leafCount, int gatewayCount, int witnessCount, int requiredCosignatures, string storage, string verifierKey);

    [LoggerMessage(101, LogLevel.Information, "Ledger listening on {Url}")]
    public static partial void Listening(ILogger logger, Uri url);

    [LoggerMessage(102, LogLevel.Warning, "Submission rejected: {Reason} from origin {Origin} ({Detail}). Further rejections for this reason are counted, not logged")]
    public static partial void SubmissionRejected(ILogger logger, string reason, string origin, string detail);

    [LoggerMessage(103, LogLevel.Critical, "FORK: gateway {Origin} signed a checkpoint of size {RefusedSize} inconsistent with its anchored checkpoint of size {AnchoredSize} ({Reason}); refused, evidence {EvidenceId} stored")]
    public static partial void ForkDetected(ILogger logger, string origin, long refusedSize, long anchoredSize, ForkReason reason, long evidenceId);

    [LoggerMessage(104, LogLevel.Information, "Witness {Witness} cosigned ledger checkpoint {Size}")]
    public static partial void WitnessCosigned(ILogger logger, string witness, long size);

    [LoggerMessage(105, LogLevel.Warning, "Witness {Witness} refused ledger checkpoint {Size}: {Status} ({Detail}). Anchoring continues; refusals are counted")]
    public static partial void WitnessRefused(ILogger logger, string witness, long size, int status, string detail);

    [LoggerMessage(106, LogLevel.Warning, "Witness {Witness} unreachable for ledger checkpoint {Size}: {Reason}. Anchoring continues; retrying on the next checkpoint")]
    public static partial void WitnessUnreachable(ILogger logger, string witness, long size, string reason);

    [LoggerMessage(107, LogLevel.Error, "Witness {Witness} answered ledger checkpoint {Size} with a cosignature that does not verify with its configured key; ignored")]
    public static partial void WitnessBadCosignature(ILogger logger, string witness, long size);

    [LoggerMessage(108, LogLevel.Information, "Fork alarm publisher connected to {Host}:{Port}")]
    public static partial void AlarmConnected(ILogger logger, string host, int port);

    [LoggerMessage(109, LogLevel.Warning, "Fork alarm publisher lost the broker: {Reason}; reconnecting in {DelayMilliseconds} ms (the evidence is stored; GET /evidence lists it)")]
    public static partial void AlarmConnectionLost(ILogger logger, string reason, int delayMilliseconds);

    [LoggerMessage(110, LogLevel.Information, "Fork alarm for evidence {EvidenceId} published on {Topic}")]
    public static partial void AlarmPublished(ILogger logger, long evidenceId, string topic);

    [LoggerMessage(111, LogLevel.Critical, "The ledger cannot write its database ({Reason}); stopping so that nothing unrecorded is acknowledged")]
    public static partial void StoreFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(112, LogLevel.Critical, "The ledger refused to sign checkpoint {Size}: not consistent with its last signed checkpoint; stopping")]
    public static partial void SigningRefused(ILogger logger, long size);

    [LoggerMessage(113, LogLevel.Warning, "Witness {Witness} says it last cosigned size {WitnessSize}; retrying from there")]
    public static partial void WitnessSizeCorrected(ILogger logger, string witness, long witnessSize);

    [LoggerMessage(114, LogLevel.Warning, "HTTP request rejected: {Reason} ({Detail}). Further rejections for this reason are counted, not logged")]
    public static partial void RequestRejected(ILogger logger, string reason, string detail);
}
