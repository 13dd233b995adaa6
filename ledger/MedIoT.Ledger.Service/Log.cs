using MedIoT.Ledger.Service.Storage;

namespace MedIoT.Ledger.Service;

/// <summary>Every log line of the ledger service, with the stable event ids of <see cref="LedgerLogEvents"/>. No method takes a secret.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = LedgerLogEvents.Starting, Level = LogLevel.Information, Message = "Ledger {Origin} starting: {LeafCount} leaves, {GatewayCount} registered gateways, {WitnessCount} witnesses ({RequiredCosignatures} required), storage {Storage}; verifier key {VerifierKey}")]
    public static partial void Starting(ILogger logger, string origin, long leafCount, int gatewayCount, int witnessCount, int requiredCosignatures, string storage, string verifierKey);

    [LoggerMessage(EventId = LedgerLogEvents.Listening, Level = LogLevel.Information, Message = "Ledger listening on {Url}")]
    public static partial void Listening(ILogger logger, Uri url);

    [LoggerMessage(EventId = LedgerLogEvents.SubmissionRejected, Level = LogLevel.Warning, Message = "Submission rejected: {Reason} from origin {Origin} ({Detail}). Further rejections for this reason are counted, not logged")]
    public static partial void SubmissionRejected(ILogger logger, string reason, string origin, string detail);

    [LoggerMessage(EventId = LedgerLogEvents.ForkDetected, Level = LogLevel.Critical, Message = "FORK: gateway {Origin} signed a checkpoint of size {RefusedSize} inconsistent with its anchored checkpoint of size {AnchoredSize} ({Reason}); refused, evidence {EvidenceId} stored")]
    public static partial void ForkDetected(ILogger logger, string origin, long refusedSize, long anchoredSize, ForkReason reason, long evidenceId);

    [LoggerMessage(EventId = LedgerLogEvents.WitnessCosigned, Level = LogLevel.Information, Message = "Witness {Witness} cosigned ledger checkpoint {Size}")]
    public static partial void WitnessCosigned(ILogger logger, string witness, long size);

    [LoggerMessage(EventId = LedgerLogEvents.WitnessRefused, Level = LogLevel.Warning, Message = "Witness {Witness} refused ledger checkpoint {Size}: {Status} ({Detail}). Anchoring continues; refusals are counted")]
    public static partial void WitnessRefused(ILogger logger, string witness, long size, int status, string detail);

    [LoggerMessage(EventId = LedgerLogEvents.WitnessUnreachable, Level = LogLevel.Warning, Message = "Witness {Witness} unreachable for ledger checkpoint {Size}: {Reason}. Anchoring continues; retrying on the next checkpoint")]
    public static partial void WitnessUnreachable(ILogger logger, string witness, long size, string reason);

    [LoggerMessage(EventId = LedgerLogEvents.WitnessBadCosignature, Level = LogLevel.Error, Message = "Witness {Witness} answered ledger checkpoint {Size} with a cosignature that does not verify with its configured key; ignored")]
    public static partial void WitnessBadCosignature(ILogger logger, string witness, long size);

    [LoggerMessage(EventId = LedgerLogEvents.AlarmConnected, Level = LogLevel.Information, Message = "Fork alarm publisher connected to {Host}:{Port}")]
    public static partial void AlarmConnected(ILogger logger, string host, int port);

    [LoggerMessage(EventId = LedgerLogEvents.AlarmConnectionLost, Level = LogLevel.Warning, Message = "Fork alarm publisher lost the broker: {Reason}; reconnecting in {DelayMilliseconds} ms (the evidence is stored; GET /evidence lists it)")]
    public static partial void AlarmConnectionLost(ILogger logger, string reason, int delayMilliseconds);

    [LoggerMessage(EventId = LedgerLogEvents.AlarmPublished, Level = LogLevel.Information, Message = "Fork alarm for evidence {EvidenceId} published on {Topic}")]
    public static partial void AlarmPublished(ILogger logger, long evidenceId, string topic);

    [LoggerMessage(EventId = LedgerLogEvents.StoreFailed, Level = LogLevel.Critical, Message = "The ledger cannot write its database ({Reason}); stopping so that nothing unrecorded is acknowledged")]
    public static partial void StoreFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(EventId = LedgerLogEvents.SigningRefused, Level = LogLevel.Critical, Message = "The ledger refused to sign checkpoint {Size}: not consistent with its last signed checkpoint; stopping")]
    public static partial void SigningRefused(ILogger logger, long size);

    [LoggerMessage(EventId = LedgerLogEvents.WitnessSizeCorrected, Level = LogLevel.Warning, Message = "Witness {Witness} says it last cosigned size {WitnessSize}; retrying from there")]
    public static partial void WitnessSizeCorrected(ILogger logger, string witness, long witnessSize);

    [LoggerMessage(EventId = LedgerLogEvents.RequestRejected, Level = LogLevel.Warning, Message = "HTTP request rejected: {Reason} ({Detail}). Further rejections for this reason are counted, not logged")]
    public static partial void RequestRejected(ILogger logger, string reason, string detail);
}
