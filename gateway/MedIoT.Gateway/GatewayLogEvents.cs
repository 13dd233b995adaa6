namespace MedIoT.Gateway;

/// <summary>
/// The gateway's log event ids, by name (README, "Log lines"): tests, docs and dashboards use these names; a number never
/// changes once released. <c>mediot-ledger</c> uses 100–119 and <c>mediot-witness</c> 120–129; the gateway keeps the
/// numbers below 100 and from 130.
/// </summary>
public static class GatewayLogEvents
{
    /// <summary>Information: "Gateway {GatewayId} starting with {DeviceCount} registered devices from {RegistryPath}"</summary>
    public const int GatewayStarting = 1;

    /// <summary>Information: "MQTT connected to {Host}:{Port} (session present: {SessionPresent})"</summary>
    public const int MqttConnected = 10;

    /// <summary>Information: "MQTT subscribed to {TopicFilter} (granted QoS {GrantedQualityOfService})"</summary>
    public const int MqttSubscribed = 11;

    /// <summary>Warning: "MQTT connection lost: {Reason}"</summary>
    public const int MqttConnectionLost = 12;

    /// <summary>Information: "MQTT reconnecting to {Host}:{Port} in {DelayMilliseconds} ms"</summary>
    public const int MqttReconnecting = 13;

    /// <summary>Error: "MQTT broker refused the subscription to {TopicFilter}; check its access control and …"</summary>
    public const int MqttSubscriptionRefused = 14;

    /// <summary>Warning: "Frame rejected: {Reason} from device {DeviceId} ({Detail}). Further rejections for this reason …"</summary>
    public const int FrameRejected = 20;

    /// <summary>Warning: "SECURITY: frame rejected: {Reason} from device {DeviceId} ({Detail}). Further rejections for …"</summary>
    public const int SecurityRejection = 21;

    /// <summary>Information: "Ingestion totals: {Accepted} frames accepted, {Duplicates} duplicates, {Stored} readings stored; …"</summary>
    public const int IngestionSummary = 22;

    /// <summary>Warning: "InfluxDB {Operation} failed ({Status}); retrying, the readings wait in the journal"</summary>
    public const int InfluxUnavailable = 30;

    /// <summary>Error: "InfluxDB refused {Operation} with HTTP {Status} ({ErrorKind}); check Gateway:Influx settings; …"</summary>
    public const int InfluxRefused = 31;

    /// <summary>Information: "InfluxDB database {Database} ready at {Url}"</summary>
    public const int InfluxDatabaseReady = 32;

    /// <summary>Information: "InfluxDB write succeeded after {Failures} failed attempts"</summary>
    public const int InfluxRecovered = 33;

    /// <summary>Information: "Readings are being stored: first {Count} written to database {Database}, measurement {Measurement}"</summary>
    public const int FirstReadingsStored = 34;

    /// <summary>Information: "Serial port {DevicePath} open ({LineSettings}, {Protocol}) for device {DeviceId}"</summary>
    public const int SerialPortOpened = 40;

    /// <summary>Warning: "Serial port {DevicePath} of device {DeviceId} disconnected: {Reason}. Reopening when it comes back"</summary>
    public const int SerialPortDisconnected = 41;

    /// <summary>Information: "Serial port {DevicePath} of device {DeviceId} reconnected after {DowntimeSeconds:0.0} s"</summary>
    public const int SerialPortReconnected = 42;

    /// <summary>Warning: "Serial port {DevicePath} of device {DeviceId} cannot be opened ({Reason}); retrying with backoff …"</summary>
    public const int SerialPortUnavailable = 43;

    /// <summary>Warning: "Serial port {DevicePath} of device {DeviceId} has been silent for {TimeoutSeconds} s"</summary>
    public const int SerialNoData = 44;

    /// <summary>Information: "Serial port {DevicePath} of device {DeviceId} receives data again"</summary>
    public const int SerialDataResumed = 45;

    /// <summary>Warning: "Serial bytes skipped on {DevicePath} (device {DeviceId}): {Reason}; resynchronised at the next …"</summary>
    public const int SerialBytesRejected = 46;

    /// <summary>Information: "Device {DeviceId} reports status {Status}"</summary>
    public const int DeviceStatusChanged = 47;

    /// <summary>Information: "Gateway identity {Name} created: key {KeyFile} (mode 0600), thumbprint {Thumbprint}"</summary>
    public const int GatewayIdentityCreated = 48;

    /// <summary>Information: "Gateway identity {Name} loaded from {KeyFile}, thumbprint {Thumbprint}"</summary>
    public const int GatewayIdentityLoaded = 49;

    /// <summary>Information: "HTTP surface listening on {Address}"</summary>
    public const int HttpListening = 60;

    /// <summary>Information: "HTTP surface disabled (Gateway:Http:Enabled is false)"</summary>
    public const int HttpDisabled = 61;

    /// <summary>Error: "MQTT broker refused the alarm message on {Topic}: {Reason}; not retried ({DroppedCount} alarm …"</summary>
    public const int AlarmMessageRefused = 69;

    /// <summary>Information: "Alert service running: {VitalRuleCount} vital rules, {WebhookCount} webhooks, MQTT topic prefix …"</summary>
    public const int AlarmServiceStarted = 70;

    /// <summary>Information: "Alarm {AlarmId} {EventKind}: {ConditionKey} at {Place}, priority {Priority}, escalation level …"</summary>
    public const int AlarmEventOccurred = 71;

    /// <summary>Error: "Alert feed full: {RefusedCount} inputs refused so far; the alert service is not keeping up …"</summary>
    public const int AlarmFeedFull = 72;

    /// <summary>Warning: "Alert engine rejected a {InputType}: {Reason}. Further rejections for this reason are counted, …"</summary>
    public const int AlarmInputRejected = 73;

    /// <summary>Information: "Alarm publisher connected to MQTT {Host}:{Port}"</summary>
    public const int AlarmPublisherConnected = 74;

    /// <summary>Warning: "Alarm publisher lost its MQTT connection ({Reason}); reconnecting in {DelayMilliseconds} ms, …"</summary>
    public const int AlarmPublisherConnectionLost = 75;

    /// <summary>Error: "Alarm delivery queue {Queue} full (capacity {Capacity}): the oldest entry was dropped …"</summary>
    public const int AlarmDeliveryDropped = 76;

    /// <summary>Error: "Webhook {Webhook} refused an alarm event for good ({Reason}); the entry is dropped and counted. …"</summary>
    public const int WebhookDeliveryFailed = 77;

    /// <summary>Warning: "Webhook {Webhook} delivery failed ({Reason}); retrying in {DelayMilliseconds} ms with backoff, …"</summary>
    public const int WebhookDeliveryRetrying = 78;

    /// <summary>Warning: "Alert API request to {Endpoint} refused: {Reason}. Further refusals for this reason are counted, …"</summary>
    public const int AlarmApiRequestRejected = 79;

    /// <summary>Information: "Journal open in {Folder}: {Size} entries (sequence history restored from a snapshot at …"</summary>
    public const int JournalOpened = 80;

    /// <summary>Debug: "Journal checkpoint signed at size {Size}"</summary>
    public const int CheckpointSigned = 81;

    /// <summary>Information: "Backlog: journal {JournalSize} entries, InfluxDB writer at {WriterPosition}, lag {LagEntries} …"</summary>
    public const int JournalBacklog = 82;

    /// <summary>Warning: "InfluxDB refused {Points} points of journal entries {FirstIndex}..{LastIndex} ({ErrorKind}); …"</summary>
    public const int InfluxPointsRefused = 83;

    /// <summary>Error: "Journal entry {Index} cannot be turned into points ({Reason}); skipped and counted"</summary>
    public const int JournalEntryUnreadable = 84;

    /// <summary>Information: "InfluxDB writer resumes at journal entry {Position} of {Size}"</summary>
    public const int InfluxWriterResuming = 85;

    /// <summary>Error: "Alarm event {Kind} of alarm {AlarmId} could not be queued for the journal (queue full); …"</summary>
    public const int AlarmJournalQueueFull = 86;

    /// <summary>Information: "First alarm event journaled at entry {Index}"</summary>
    public const int FirstAlarmEventJournaled = 87;

    /// <summary>Information: "Anchoring to the ledger at {LedgerUrl}: anchored up to journal size {AnchoredSize}, {Unanchored} …"</summary>
    public const int AnchoringStarted = 88;

    /// <summary>Debug: "Checkpoint of size {Size} anchored in the ledger; {Unanchored} left to anchor"</summary>
    public const int CheckpointAnchored = 89;

    /// <summary>Debug: "Memory: resident {ResidentMegabytes:0.0} MB (peak {PeakResidentMegabytes:0.0} MB); GC heap …"</summary>
    public const int GatewayMemory = 90;

    /// <summary>Information: "The C library has no {Function} (not glibc): Gateway:Memory has no effect"</summary>
    public const int NativeHeapUnsupported = 91;

    /// <summary>Information: "Anchoring disabled (Gateway:Anchoring:LedgerUrl is empty)"</summary>
    public const int AnchoringDisabled = 130;

    /// <summary>Warning: "Ledger unavailable ({Detail}); {Unanchored} checkpoints wait, retrying with backoff. Ingestion …"</summary>
    public const int LedgerUnavailable = 131;

    /// <summary>Information: "Ledger answers again after {FailedAttempts} failed attempts; anchoring the {Unanchored} waiting …"</summary>
    public const int LedgerAvailableAgain = 132;

    /// <summary>Error: "The ledger refused checkpoint {Size} (old size {OldSize}): {Detail}; counted, retrying with backoff"</summary>
    public const int AnchoringRefused = 133;

    /// <summary>Critical: "FORK ALARM: the ledger holds a checkpoint of size {LedgerSize} for {Origin} that this journal …"</summary>
    public const int AnchoringForkAlarm = 134;

    /// <summary>Warning: "The ledger had already anchored our checkpoints up to size {LedgerSize} (we had recorded …"</summary>
    public const int AnchoringReconciled = 135;

    /// <summary>Error: "The ledger's receipt for checkpoint {Size} was refused: {Reason}; counted, retrying with backoff"</summary>
    public const int AnchoringBadReceipt = 136;

    /// <summary>Warning: "No usable receipt for anchored checkpoint {Size}: {Detail}; a bundle for its entries will use a …"</summary>
    public const int AnchoringReceiptMissing = 137;

    /// <summary>Error: "The ledger holds our checkpoints only up to size {LedgerSize}, below the {AnchoredSize} anchored …"</summary>
    public const int AnchoringLedgerBehind = 138;

    /// <summary>Error: "Anchoring problem: {Problem}; retrying with backoff where that can help"</summary>
    public const int AnchoringProblem = 139;

    /// <summary>Critical: "FORK ALARM: the ledger refused checkpoint {Size} (old size {OldSize}) of {Origin} as …"</summary>
    public const int AnchoringRefusedAsFork = 150;

    /// <summary>Critical: "FORK ALARM: the ledger's anchored checkpoint of size {Size} for {Origin} is not the one this …"</summary>
    public const int AnchoringForkNotOurs = 151;

    /// <summary>Information: "Alert state restored from the journal: {AlarmCount} active alarms, new alarm ids from {NextAlarmId}; …"</summary>
    public const int AlarmsRestored = 160;

    /// <summary>Warning: "Journaled alarm {AlarmId} ({ConditionKey}) cannot be restored: its condition or place does not read …"</summary>
    public const int AlarmNotRestored = 161;

    /// <summary>Error: "The alarm id reservation {Path} is damaged …; new alarm ids start at {NextAlarmId} …"</summary>
    public const int AlarmIdReservationDamaged = 162;

    /// <summary>Error: "Cannot write the alarm id reservation {Path} (failure {Failures}) …"</summary>
    public const int AlarmIdReservationFailed = 163;

    /// <summary>Warning: "Journal entry {Index} is an alarm record that does not decode ({Failure}) …"</summary>
    public const int AlarmEntryUnreadable = 164;

    /// <summary>Error: "The bed-exit monitoring file {Path} cannot be read ({Reason}): no bed is armed after this start …"</summary>
    public const int BedExitArmingsUnreadable = 165;

    /// <summary>Error: "Cannot save bed-exit monitoring to {Path} (failure {Failures}) …"</summary>
    public const int BedExitArmingsNotSaved = 166;

    /// <summary>Information: "Bed-exit monitoring at {Bed} set to armed {Armed} by {StaffId}"</summary>
    public const int BedExitMonitoringSet = 167;

    /// <summary>Information: "Sign-in: {People} local people, {Tokens} local API tokens, OpenID Connect {Oidc} …"</summary>
    public const int AccessConfigured = 170;

    /// <summary>Warning: "Nobody can sign in: no Gateway:Access:AccountsPath and no Gateway:Access:Oidc:Authority …"</summary>
    public const int AccessNobodyCanSignIn = 171;

    /// <summary>Information: "{StaffId} signed in ({Method}) from {Address}"</summary>
    public const int SignedIn = 172;

    /// <summary>Warning: "Failed sign-in for {Account} from {Address} ({Reason}) …"</summary>
    public const int SignInFailed = 173;

    /// <summary>Warning: "Sign-in attempts for {Account} from {Address} refused for {RetryAfterSeconds} s: too many failures …"</summary>
    public const int SignInRateLimited = 174;

    /// <summary>Warning: "Request {Method} {Path} refused: {Reason} (anti-forgery) …"</summary>
    public const int AntiforgeryRefused = 175;

    /// <summary>Warning: "A sign-in cookie did not authenticate ({Reason}) …"</summary>
    public const int CookieRefused = 176;

    /// <summary>Warning: "A bearer token did not authenticate ({Reason}) …"</summary>
    public const int TokenRefused = 177;

    /// <summary>Warning: "The hospital's provider signed in {Subject}, who has no role on this station ({Reason}) …"</summary>
    public const int SignInNoRole = 178;

    /// <summary>Warning: "Sign-in with the hospital's provider failed: {Reason}"</summary>
    public const int OidcSignInFailed = 179;

    /// <summary>Information: "{StaffId} signed out"</summary>
    public const int SignedOut = 180;

    /// <summary>Warning: "The station's {Query} query got no answer from InfluxDB ({Outcome}): {Problem}; …"</summary>
    public const int StationQueryUnavailable = 190;

    /// <summary>Information: "Station request to {Endpoint} refused: {Reason}. Further refusals for this reason are counted, not logged"</summary>
    public const int StationRequestRefused = 191;

    /// <summary>Information: "Attached sensor {Name} ({Kind}) on the {Bus} bus for {Subject}"</summary>
    public const int AttachedSensorConfigured = 210;

    /// <summary>Warning: "Attached sensor {Name} runs on simulated chips moved by {StatePath}: a demonstration, not a patient"</summary>
    public const int AttachedSensorSimulated = 211;

    /// <summary>Warning: "Attached sensor {Name} cannot be opened ({Reason}); retrying with backoff up to every {MaximumDelayMilliseconds} ms"</summary>
    public const int AttachedSensorUnavailable = 212;

    /// <summary>Information: "Attached sensor {Name} gave no reading: {Fault}. Further failures in a row are counted, not logged"</summary>
    public const int AttachedSensorReadFailed = 213;

    /// <summary>Warning: "Attached sensor {Name} is not working: {Fault} on {Failures} reads in a row; its technical alarm is raised"</summary>
    public const int AttachedSensorNotWorking = 214;

    /// <summary>Information: "Attached sensor {Name} works again after {DowntimeSeconds:0.0} s"</summary>
    public const int AttachedSensorWorking = 215;

    /// <summary>Information: "Bedside {Button} button of {Name} pressed at {Place}"</summary>
    public const int BedsideButtonPressed = 216;


    /// <summary>Warning: "The simulated bedside's state file {StatePath} cannot be read ({Problem}); the last state stands"</summary>
    public const int SimulatedBedsideStateUnreadable = 218;
}
