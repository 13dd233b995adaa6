using MedIoT.Alerts;
using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway;

/// <summary>
/// Every log line of the gateway, with the stable event ids of <see cref="GatewayLogEvents"/> (README, "Log lines"). No method takes a
/// patient value, a payload or a secret.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(GatewayLogEvents.GatewayStarting, LogLevel.Information, "Gateway {GatewayId} starting with {DeviceCount} registered devices from {RegistryPath}")]
    public static partial void GatewayStarting(ILogger logger, string gatewayId, int deviceCount, string registryPath);

    [LoggerMessage(GatewayLogEvents.MqttConnected, LogLevel.Information, "MQTT connected to {Host}:{Port} (session present: {SessionPresent})")]
    public static partial void MqttConnected(ILogger logger, string host, int port, bool sessionPresent);

    [LoggerMessage(GatewayLogEvents.MqttSubscribed, LogLevel.Information, "MQTT subscribed to {TopicFilter} (granted QoS {GrantedQualityOfService})")]
    public static partial void MqttSubscribed(ILogger logger, string topicFilter, int grantedQualityOfService);

    [LoggerMessage(GatewayLogEvents.MqttConnectionLost, LogLevel.Warning, "MQTT connection lost: {Reason}")]
    public static partial void MqttConnectionLost(ILogger logger, string reason);

    [LoggerMessage(GatewayLogEvents.MqttReconnecting, LogLevel.Information, "MQTT reconnecting to {Host}:{Port} in {DelayMilliseconds} ms")]
    public static partial void MqttReconnecting(ILogger logger, string host, int port, int delayMilliseconds);

    [LoggerMessage(GatewayLogEvents.MqttSubscriptionRefused, LogLevel.Error, "MQTT broker refused the subscription to {TopicFilter}; check its access control and Gateway:Mqtt:FramesTopicFilter")]
    public static partial void MqttSubscriptionRefused(ILogger logger, string topicFilter);

    [LoggerMessage(GatewayLogEvents.FrameRejected, LogLevel.Warning, "Frame rejected: {Reason} from device {DeviceId} ({Detail}). Further rejections for this reason are counted, not logged")]
    public static partial void FrameRejected(ILogger logger, FrameRejectionReason reason, string deviceId, string detail);

    [LoggerMessage(GatewayLogEvents.SecurityRejection, LogLevel.Warning, "SECURITY: frame rejected: {Reason} from device {DeviceId} ({Detail}). Further rejections for this reason are counted, not logged")]
    public static partial void SecurityRejection(ILogger logger, FrameRejectionReason reason, string deviceId, string detail);

    [LoggerMessage(GatewayLogEvents.IngestionSummary, LogLevel.Information, "Ingestion totals: {Accepted} frames accepted, {Duplicates} duplicates, {Stored} readings stored; rejected: {Rejections}")]
    public static partial void IngestionSummary(ILogger logger, long accepted, long duplicates, long stored, string rejections);

    [LoggerMessage(GatewayLogEvents.InfluxUnavailable, LogLevel.Warning, "InfluxDB {Operation} failed ({Status}); retrying, the readings wait in the journal")]
    public static partial void InfluxUnavailable(ILogger logger, string operation, string status);

    [LoggerMessage(GatewayLogEvents.InfluxRefused, LogLevel.Error, "InfluxDB refused {Operation} with HTTP {Status} ({ErrorKind}); check Gateway:Influx settings; retrying")]
    public static partial void InfluxRefused(ILogger logger, string operation, int status, string errorKind);

    [LoggerMessage(GatewayLogEvents.InfluxDatabaseReady, LogLevel.Information, "InfluxDB database {Database} ready at {Url}")]
    public static partial void InfluxDatabaseReady(ILogger logger, string database, Uri url);

    [LoggerMessage(GatewayLogEvents.InfluxRecovered, LogLevel.Information, "InfluxDB write succeeded after {Failures} failed attempts")]
    public static partial void InfluxRecovered(ILogger logger, int failures);

    [LoggerMessage(GatewayLogEvents.FirstReadingsStored, LogLevel.Information, "Readings are being stored: first {Count} written to database {Database}, measurement {Measurement}")]
    public static partial void FirstReadingsStored(ILogger logger, int count, string database, string measurement);

    [LoggerMessage(GatewayLogEvents.SerialPortOpened, LogLevel.Information, "Serial port {DevicePath} open ({LineSettings}, {Protocol}) for device {DeviceId}")]
    public static partial void SerialPortOpened(ILogger logger, string devicePath, string lineSettings, string protocol, string deviceId);

    [LoggerMessage(GatewayLogEvents.SerialPortDisconnected, LogLevel.Warning, "Serial port {DevicePath} of device {DeviceId} disconnected: {Reason}. Reopening when it comes back")]
    public static partial void SerialPortDisconnected(ILogger logger, string devicePath, string deviceId, string reason);

    [LoggerMessage(GatewayLogEvents.SerialPortReconnected, LogLevel.Information, "Serial port {DevicePath} of device {DeviceId} reconnected after {DowntimeSeconds:0.0} s")]
    public static partial void SerialPortReconnected(ILogger logger, string devicePath, string deviceId, double downtimeSeconds);

    [LoggerMessage(GatewayLogEvents.SerialPortUnavailable, LogLevel.Warning, "Serial port {DevicePath} of device {DeviceId} cannot be opened ({Reason}); retrying with backoff up to every {MaximumDelayMilliseconds} ms")]
    public static partial void SerialPortUnavailable(ILogger logger, string devicePath, string deviceId, string reason, int maximumDelayMilliseconds);

    [LoggerMessage(GatewayLogEvents.SerialNoData, LogLevel.Warning, "Serial port {DevicePath} of device {DeviceId} has been silent for {TimeoutSeconds} s")]
    public static partial void SerialNoData(ILogger logger, string devicePath, string deviceId, int timeoutSeconds);

    [LoggerMessage(GatewayLogEvents.SerialDataResumed, LogLevel.Information, "Serial port {DevicePath} of device {DeviceId} receives data again")]
    public static partial void SerialDataResumed(ILogger logger, string devicePath, string deviceId);

    [LoggerMessage(GatewayLogEvents.SerialBytesRejected, LogLevel.Warning, "Serial bytes skipped on {DevicePath} (device {DeviceId}): {Reason}; resynchronised at the next frame. Further skips for this reason are counted, not logged")]
    public static partial void SerialBytesRejected(ILogger logger, string devicePath, string deviceId, MedIoT.Protocol.Serial.SerialRejectionReason reason);

    [LoggerMessage(GatewayLogEvents.DeviceStatusChanged, LogLevel.Information, "Device {DeviceId} reports status {Status}")]
    public static partial void DeviceStatusChanged(ILogger logger, string deviceId, DeviceStatus status);

    [LoggerMessage(GatewayLogEvents.GatewayIdentityCreated, LogLevel.Information, "Gateway identity {Name} created: key {KeyFile} (mode 0600), thumbprint {Thumbprint}")]
    public static partial void GatewayIdentityCreated(ILogger logger, string name, string keyFile, string thumbprint);

    [LoggerMessage(GatewayLogEvents.GatewayIdentityLoaded, LogLevel.Information, "Gateway identity {Name} loaded from {KeyFile}, thumbprint {Thumbprint}")]
    public static partial void GatewayIdentityLoaded(ILogger logger, string name, string keyFile, string thumbprint);

    [LoggerMessage(GatewayLogEvents.HttpListening, LogLevel.Information, "HTTP surface listening on {Address}")]
    public static partial void HttpListening(ILogger logger, Uri address);

    [LoggerMessage(GatewayLogEvents.HttpDisabled, LogLevel.Information, "HTTP surface disabled (Gateway:Http:Enabled is false)")]
    public static partial void HttpDisabled(ILogger logger);

    // 70–79: alerts (Alerts/). Alarm lines name the alarm, condition key, place and priority, never a patient value.
    [LoggerMessage(GatewayLogEvents.AlarmServiceStarted, LogLevel.Information, "Alert service running: {VitalRuleCount} vital rules, {WebhookCount} webhooks, MQTT topic prefix {TopicPrefix}")]
    public static partial void AlarmServiceStarted(ILogger logger, int vitalRuleCount, int webhookCount, string topicPrefix);

    [LoggerMessage(GatewayLogEvents.AlarmEventOccurred, LogLevel.Information, "Alarm {AlarmId} {EventKind}: {ConditionKey} at {Place}, priority {Priority}, escalation level {EscalationLevel}")]
    public static partial void AlarmEventOccurred(ILogger logger, AlarmEventKind eventKind, long alarmId, string conditionKey, string place, AlarmPriority priority, int escalationLevel);

    [LoggerMessage(GatewayLogEvents.AlarmFeedFull, LogLevel.Error, "Alert feed full: {RefusedCount} inputs refused so far; the alert service is not keeping up (raise Gateway:Alerts:InputCapacity only after finding why)")]
    public static partial void AlarmFeedFull(ILogger logger, long refusedCount);

    [LoggerMessage(GatewayLogEvents.AlarmInputRejected, LogLevel.Warning, "Alert engine rejected a {InputType}: {Reason}. Further rejections for this reason are counted, not logged")]
    public static partial void AlarmInputRejected(ILogger logger, string inputType, AlarmInputRejection reason);

    [LoggerMessage(GatewayLogEvents.AlarmPublisherConnected, LogLevel.Information, "Alarm publisher connected to MQTT {Host}:{Port}")]
    public static partial void AlarmPublisherConnected(ILogger logger, string host, int port);

    [LoggerMessage(GatewayLogEvents.AlarmPublisherConnectionLost, LogLevel.Warning, "Alarm publisher lost its MQTT connection ({Reason}); reconnecting in {DelayMilliseconds} ms, alarms are kept meanwhile")]
    public static partial void AlarmPublisherConnectionLost(ILogger logger, string reason, int delayMilliseconds);

    [LoggerMessage(GatewayLogEvents.AlarmDeliveryDropped, LogLevel.Error, "Alarm delivery queue {Queue} full (capacity {Capacity}): the oldest entry was dropped ({DroppedCount} so far)")]
    public static partial void AlarmDeliveryDropped(ILogger logger, string queue, long droppedCount, int capacity);

    [LoggerMessage(GatewayLogEvents.WebhookDeliveryFailed, LogLevel.Error, "Webhook {Webhook} refused an alarm event for good ({Reason}); the entry is dropped and counted. Check the webhook's address and secret")]
    public static partial void WebhookDeliveryFailed(ILogger logger, string webhook, string reason);

    [LoggerMessage(GatewayLogEvents.WebhookDeliveryRetrying, LogLevel.Warning, "Webhook {Webhook} delivery failed ({Reason}); retrying in {DelayMilliseconds} ms with backoff, the outbox keeps the events")]
    public static partial void WebhookDeliveryRetrying(ILogger logger, string webhook, string reason, int delayMilliseconds);

    [LoggerMessage(GatewayLogEvents.AlarmMessageRefused, LogLevel.Error, "MQTT broker refused the alarm message on {Topic}: {Reason}; not retried ({DroppedCount} alarm messages dropped so far)")]
    public static partial void AlarmMessageRefused(ILogger logger, string topic, string reason, long droppedCount);

    [LoggerMessage(GatewayLogEvents.AlarmApiRequestRejected, LogLevel.Warning, "Alert API request to {Endpoint} refused: {Reason}. Further refusals for this reason are counted, not logged")]
    public static partial void AlarmApiRequestRejected(ILogger logger, string endpoint, string reason);

    [LoggerMessage(GatewayLogEvents.AlarmsRestored, LogLevel.Information, "Alert state restored from the journal: {AlarmCount} active alarms, new alarm ids from {NextAlarmId}; {DeviceCount} devices watched for silence from their last journaled frame or from now")]
    public static partial void AlarmsRestored(ILogger logger, int alarmCount, long nextAlarmId, int deviceCount);

    [LoggerMessage(GatewayLogEvents.AlarmNotRestored, LogLevel.Warning, "Journaled alarm {AlarmId} ({ConditionKey}) cannot be restored: its condition or place does not read back (cut or replaced when journaled); it is not active after this start")]
    public static partial void AlarmNotRestored(ILogger logger, long alarmId, string conditionKey);

    [LoggerMessage(GatewayLogEvents.AlarmEntryUnreadable, LogLevel.Warning, "Journal entry {Index} is an alarm record that does not decode ({Failure}): it changes no alarm at this start; an alarm it concerned is restored as its other events leave it")]
    public static partial void AlarmEntryUnreadable(ILogger logger, long index, string failure);

    [LoggerMessage(GatewayLogEvents.AlarmIdReservationDamaged, LogLevel.Error, "The alarm id reservation {Path} is damaged (it holds the highest alarm id handed out): new alarm ids start at {NextAlarmId}, far past the journal's highest, so none repeats; the file is written anew")]
    public static partial void AlarmIdReservationDamaged(ILogger logger, string path, long nextAlarmId);

    [LoggerMessage(GatewayLogEvents.AlarmIdReservationFailed, LogLevel.Error, "Cannot write the alarm id reservation {Path} (failure {Failures}; the first and every 1,000th are logged): {Reason}. Alarms are still delivered; until a write succeeds, ids handed out now may be handed out again after a crash")]
    public static partial void AlarmIdReservationFailed(ILogger logger, string path, long failures, string reason);

    [LoggerMessage(GatewayLogEvents.BedExitArmingsUnreadable, LogLevel.Error, "The bed-exit monitoring file {Path} cannot be read ({Reason}): no bed is armed after this start; arm the beds again at the station (the file is written anew when they are)")]
    public static partial void BedExitArmingsUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(GatewayLogEvents.BedExitArmingsNotSaved, LogLevel.Error, "Cannot save bed-exit monitoring to {Path} (failure {Failures}): {Reason}. It is in force now but would not survive a restart until a save succeeds")]
    public static partial void BedExitArmingsNotSaved(ILogger logger, string path, long failures, string reason);

    [LoggerMessage(GatewayLogEvents.BedExitMonitoringSet, LogLevel.Information, "Bed-exit monitoring at {Bed} set to armed {Armed} by {StaffId}")]
    public static partial void BedExitMonitoringSet(ILogger logger, string bed, bool armed, string staffId);

    [LoggerMessage(GatewayLogEvents.JournalOpened, LogLevel.Information, "Journal open in {Folder}: {Size} entries (sequence history restored from a snapshot at {SnapshotSize}); checkpoint key {VerifierKey}")]
    public static partial void JournalOpened(ILogger logger, string folder, long size, long snapshotSize, string verifierKey);

    [LoggerMessage(GatewayLogEvents.CheckpointSigned, LogLevel.Debug, "Journal checkpoint signed at size {Size}")]
    public static partial void CheckpointSigned(ILogger logger, long size);

    [LoggerMessage(GatewayLogEvents.JournalBacklog, LogLevel.Information, "Backlog: journal {JournalSize} entries, InfluxDB writer at {WriterPosition}, lag {LagEntries} entries / {LagSeconds:0.0} s")]
    public static partial void JournalBacklog(ILogger logger, long journalSize, long writerPosition, long lagEntries, double lagSeconds);

    [LoggerMessage(GatewayLogEvents.GatewayMemory, LogLevel.Debug, "Memory: resident {ResidentMegabytes:0.0} MB (peak {PeakResidentMegabytes:0.0} MB); GC heap {HeapMegabytes:0.0} MB, committed {CommittedMegabytes:0.0} MB, fragmented {FragmentedMegabytes:0.0} MB, promoted {PromotedMegabytes:0.0} MB, generations 0/1/2/LOH/POH {Gen0Megabytes:0.0}/{Gen1Megabytes:0.0}/{Gen2Megabytes:0.0}/{LargeMegabytes:0.0}/{PinnedMegabytes:0.0} MB after GC #{GcIndex} (gen {Generation}), {AllocatedMegabytes:0} MB allocated in all; {Threads} threads ({PoolThreads} in the thread pool); queued: {PendingFrames} frames for the journal, {AlertFeed} alert inputs")]
    public static partial void GatewayMemory(
        ILogger logger, double residentMegabytes, double peakResidentMegabytes, double heapMegabytes, double committedMegabytes, double fragmentedMegabytes,
        double promotedMegabytes, double gen0Megabytes, double gen1Megabytes, double gen2Megabytes, double largeMegabytes, double pinnedMegabytes,
        long gcIndex, int generation, double allocatedMegabytes, int threads, int poolThreads, int pendingFrames, int alertFeed);

    [LoggerMessage(GatewayLogEvents.NativeHeapUnsupported, LogLevel.Information, "The C library has no {Function} (not glibc): Gateway:Memory has no effect")]
    public static partial void NativeHeapUnsupported(ILogger logger, string function);

    [LoggerMessage(GatewayLogEvents.InfluxPointsRefused, LogLevel.Warning, "InfluxDB refused {Points} points of journal entries {FirstIndex}..{LastIndex} ({ErrorKind}); counted, not retried; the rest is written")]
    public static partial void InfluxPointsRefused(ILogger logger, long points, long firstIndex, long lastIndex, string errorKind);

    [LoggerMessage(GatewayLogEvents.JournalEntryUnreadable, LogLevel.Error, "Journal entry {Index} cannot be turned into points ({Reason}); skipped and counted")]
    public static partial void JournalEntryUnreadable(ILogger logger, long index, string reason);

    [LoggerMessage(GatewayLogEvents.InfluxWriterResuming, LogLevel.Information, "InfluxDB writer resumes at journal entry {Position} of {Size}")]
    public static partial void InfluxWriterResuming(ILogger logger, long position, long size);

    [LoggerMessage(GatewayLogEvents.AlarmJournalQueueFull, LogLevel.Error, "Alarm event {Kind} of alarm {AlarmId} could not be queued for the journal (queue full); delivered but not journaled ({DroppedCount} alarm events not journaled so far)")]
    public static partial void AlarmJournalQueueFull(ILogger logger, string kind, long alarmId, long droppedCount);

    [LoggerMessage(GatewayLogEvents.FirstAlarmEventJournaled, LogLevel.Information, "First alarm event journaled at entry {Index}")]
    public static partial void FirstAlarmEventJournaled(ILogger logger, long index);

    [LoggerMessage(GatewayLogEvents.AnchoringStarted, LogLevel.Information, "Anchoring to the ledger at {LedgerUrl}: anchored up to journal size {AnchoredSize}, {Unanchored} signed checkpoints to anchor")]
    public static partial void AnchoringStarted(ILogger logger, string ledgerUrl, long anchoredSize, int unanchored);

    [LoggerMessage(GatewayLogEvents.CheckpointAnchored, LogLevel.Debug, "Checkpoint of size {Size} anchored in the ledger; {Unanchored} left to anchor")]
    public static partial void CheckpointAnchored(ILogger logger, long size, int unanchored);

    [LoggerMessage(GatewayLogEvents.AnchoringDisabled, LogLevel.Information, "Anchoring disabled (Gateway:Anchoring:LedgerUrl is empty)")]
    public static partial void AnchoringDisabled(ILogger logger);

    [LoggerMessage(GatewayLogEvents.LedgerUnavailable, LogLevel.Warning, "Ledger unavailable ({Detail}); {Unanchored} checkpoints wait, retrying with backoff. Ingestion is not affected")]
    public static partial void LedgerUnavailable(ILogger logger, string detail, int unanchored);

    [LoggerMessage(GatewayLogEvents.LedgerAvailableAgain, LogLevel.Information, "Ledger answers again after {FailedAttempts} failed attempts; anchoring the {Unanchored} waiting checkpoints in order")]
    public static partial void LedgerAvailableAgain(ILogger logger, int failedAttempts, int unanchored);

    [LoggerMessage(GatewayLogEvents.AnchoringRefused, LogLevel.Error, "The ledger refused checkpoint {Size} (old size {OldSize}): {Detail}; counted, retrying with backoff")]
    public static partial void AnchoringRefused(ILogger logger, long size, long oldSize, string detail);

    [LoggerMessage(GatewayLogEvents.AnchoringForkAlarm, LogLevel.Critical, "FORK ALARM: the ledger holds a checkpoint of size {LedgerSize} for {Origin} that this journal never signed (it signed up to {SignedSize}); the gateway's key may be compromised. Investigate before anything else")]
    public static partial void AnchoringForkAlarm(ILogger logger, long ledgerSize, string origin, long signedSize);

    [LoggerMessage(GatewayLogEvents.AnchoringRefusedAsFork, LogLevel.Critical, "FORK ALARM: the ledger refused checkpoint {Size} (old size {OldSize}) of {Origin} as inconsistent with what was anchored before ({Detail}); it kept both as evidence. The journal or the gateway's key may be compromised. Investigate before anything else")]
    public static partial void AnchoringRefusedAsFork(ILogger logger, long size, long oldSize, string origin, string detail);

    [LoggerMessage(GatewayLogEvents.AnchoringForkNotOurs, LogLevel.Critical, "FORK ALARM: the ledger's anchored checkpoint of size {Size} for {Origin} is not the one this journal signed at that size ({Reason}); it is not recorded as anchored. The gateway's key may be compromised. Investigate before anything else")]
    public static partial void AnchoringForkNotOurs(ILogger logger, long size, string origin, string reason);

    [LoggerMessage(GatewayLogEvents.AnchoringReconciled, LogLevel.Warning, "The ledger had already anchored our checkpoints up to size {LedgerSize} (we had recorded {AnchoredSize}); receipts fetched, moving on")]
    public static partial void AnchoringReconciled(ILogger logger, long anchoredSize, long ledgerSize);

    [LoggerMessage(GatewayLogEvents.AnchoringBadReceipt, LogLevel.Error, "The ledger's receipt for checkpoint {Size} was refused: {Reason}; counted, retrying with backoff")]
    public static partial void AnchoringBadReceipt(ILogger logger, long size, string reason);

    [LoggerMessage(GatewayLogEvents.AnchoringReceiptMissing, LogLevel.Warning, "No usable receipt for anchored checkpoint {Size}: {Detail}; a bundle for its entries will use a later anchored checkpoint")]
    public static partial void AnchoringReceiptMissing(ILogger logger, long size, string detail);

    [LoggerMessage(GatewayLogEvents.AnchoringLedgerBehind, LogLevel.Error, "The ledger holds our checkpoints only up to size {LedgerSize}, below the {AnchoredSize} anchored before (restored from an older backup?); anchoring again from there")]
    public static partial void AnchoringLedgerBehind(ILogger logger, long ledgerSize, long anchoredSize);

    [LoggerMessage(GatewayLogEvents.AnchoringProblem, LogLevel.Error, "Anchoring problem: {Problem}; retrying with backoff where that can help")]
    public static partial void AnchoringProblem(ILogger logger, string problem);

    [LoggerMessage(GatewayLogEvents.AccessConfigured, LogLevel.Information, "Sign-in: {People} local people, {Tokens} local API tokens, OpenID Connect {Oidc}, JWT access tokens {Jwt}")]
    public static partial void AccessConfigured(ILogger logger, int people, int tokens, string oidc, string jwt);

    [LoggerMessage(GatewayLogEvents.AccessNobodyCanSignIn, LogLevel.Warning, "Nobody can sign in: no Gateway:Access:AccountsPath and no Gateway:Access:Oidc:Authority; the station and the alarm API answer 401 (docs/accounts.md)")]
    public static partial void AccessNobodyCanSignIn(ILogger logger);

    [LoggerMessage(GatewayLogEvents.SignedIn, LogLevel.Information, "{StaffId} signed in ({Method}) from {Address}")]
    public static partial void SignedIn(ILogger logger, string staffId, string method, string address);

    [LoggerMessage(GatewayLogEvents.SignInFailed, LogLevel.Warning, "Failed sign-in for {Account} from {Address} ({Reason}); counted toward the rate limit")]
    public static partial void SignInFailed(ILogger logger, string account, string address, string reason);

    [LoggerMessage(GatewayLogEvents.SignInRateLimited, LogLevel.Warning, "Sign-in attempts for {Account} from {Address} refused for {RetryAfterSeconds} s: too many failures (Gateway:Access:SignInFailureLimit)")]
    public static partial void SignInRateLimited(ILogger logger, string account, string address, long retryAfterSeconds);

    [LoggerMessage(GatewayLogEvents.AntiforgeryRefused, LogLevel.Warning, "Request {Method} {Path} refused: anti-forgery token {Reason}. Further refusals for this reason are counted, not logged")]
    public static partial void AntiforgeryRefused(ILogger logger, string method, string path, string reason);

    [LoggerMessage(GatewayLogEvents.CookieRefused, LogLevel.Warning, "A sign-in cookie did not authenticate ({Reason}): forged, tampered with, expired or protected by other keys. Further ones are counted, not logged")]
    public static partial void CookieRefused(ILogger logger, string reason);

    [LoggerMessage(GatewayLogEvents.TokenRefused, LogLevel.Warning, "A bearer token did not authenticate ({Reason}). Further ones are counted, not logged")]
    public static partial void TokenRefused(ILogger logger, string reason);

    [LoggerMessage(GatewayLogEvents.SignInNoRole, LogLevel.Warning, "The hospital's provider signed in {Subject}, who is refused: {Reason}")]
    public static partial void SignInNoRole(ILogger logger, string subject, string reason);

    [LoggerMessage(GatewayLogEvents.OidcSignInFailed, LogLevel.Warning, "Sign-in with the hospital's provider failed: {Reason}")]
    public static partial void OidcSignInFailed(ILogger logger, string reason);

    [LoggerMessage(GatewayLogEvents.SignedOut, LogLevel.Information, "{StaffId} signed out")]
    public static partial void SignedOut(ILogger logger, string staffId);

    [LoggerMessage(GatewayLogEvents.StationQueryUnavailable, LogLevel.Warning, "The station's {Query} query got no answer from InfluxDB ({Outcome}): {Problem}; the page says the data is unavailable. Logged again only after an answer")]
    public static partial void StationQueryUnavailable(ILogger logger, string query, string outcome, string problem);

    [LoggerMessage(GatewayLogEvents.StationRequestRefused, LogLevel.Information, "Station request to {Endpoint} refused: {Reason}. Further refusals for this reason are counted, not logged")]
    public static partial void StationRequestRefused(ILogger logger, string endpoint, string reason);

    [LoggerMessage(GatewayLogEvents.AttachedSensorConfigured, LogLevel.Information, "Attached sensor {Name} ({Kind}) on the {Bus} bus for {Subject}")]
    public static partial void AttachedSensorConfigured(ILogger logger, string name, string kind, string bus, string subject);

    [LoggerMessage(GatewayLogEvents.AttachedSensorSimulated, LogLevel.Warning, "Attached sensor {Name} runs on simulated chips moved by {StatePath}: a demonstration, not a patient")]
    public static partial void AttachedSensorSimulated(ILogger logger, string name, string statePath);

    [LoggerMessage(GatewayLogEvents.AttachedSensorUnavailable, LogLevel.Warning, "Attached sensor {Name} cannot be opened ({Reason}); retrying with backoff up to every {MaximumDelayMilliseconds} ms")]
    public static partial void AttachedSensorUnavailable(ILogger logger, string name, string reason, int maximumDelayMilliseconds);

    [LoggerMessage(GatewayLogEvents.AttachedSensorReadFailed, LogLevel.Information, "Attached sensor {Name} gave no reading: {Fault}. Further failures in a row are counted, not logged")]
    public static partial void AttachedSensorReadFailed(ILogger logger, string name, string fault);

    [LoggerMessage(GatewayLogEvents.AttachedSensorNotWorking, LogLevel.Warning, "Attached sensor {Name} is not working: {Fault} on {Failures} reads in a row; its technical alarm is raised")]
    public static partial void AttachedSensorNotWorking(ILogger logger, string name, string fault, int failures);

    [LoggerMessage(GatewayLogEvents.AttachedSensorWorking, LogLevel.Information, "Attached sensor {Name} works again after {DowntimeSeconds:0.0} s")]
    public static partial void AttachedSensorWorking(ILogger logger, string name, double downtimeSeconds);

    [LoggerMessage(GatewayLogEvents.BedsideButtonPressed, LogLevel.Information, "Bedside {Button} button of {Name} pressed at {Place}")]
    public static partial void BedsideButtonPressed(ILogger logger, string button, string name, string place);


    [LoggerMessage(GatewayLogEvents.SimulatedBedsideStateUnreadable, LogLevel.Warning, "The simulated bedside's state file {StatePath} cannot be read ({Problem}); the last state stands")]
    public static partial void SimulatedBedsideStateUnreadable(ILogger logger, string statePath, string problem);
}
