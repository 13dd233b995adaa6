using System.ComponentModel.DataAnnotations;
using MedIoT.Ledger.Anchoring;

namespace MedIoT.Ledger.Service.Hosting;

/// <summary>The ledger service's settings: section <c>Ledger</c> (configs/ledger.json documents every one).</summary>
public sealed class LedgerOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Ledger";

    /// <summary>The ledger log's origin, also its key name (C2SP tlog-checkpoint). Default <c>mediot.example/ledger</c>.</summary>
    [Required]
    public string Origin { get; set; } = "mediot.example/ledger";

    /// <summary>Where the HTTP API listens (<c>http://address:port</c>; port 0 picks a free port). Default <c>http://127.0.0.1:8090</c>.</summary>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:8090");

    /// <summary>The ledger's Ed25519 private key (a private JWK, mode 0600), created when missing; relative to the settings folder. Default <c>ledger-key.jwk</c>.</summary>
    [Required]
    public string KeyFile { get; set; } = "ledger-key.jwk";

    /// <summary>The registered gateways (JSON: <c>{"gateways":[{"origin":..,"vkey":..}]}</c>); relative to the settings folder. Default <c>ledger-gateways.json</c>.</summary>
    [Required]
    public string RegistryFile { get; set; } = "ledger-gateways.json";

    /// <summary>
    /// Whether <c>GET /metrics</c> (Prometheus text format, docs/metrics.md) is served beside the API. Default
    /// <see langword="true"/>: counts only, like <c>/health</c>; <see langword="false"/> removes the route and the collection behind it.
    /// </summary>
    public bool MetricsEnabled { get; set; } = true;

    /// <summary>The largest request body accepted, in bytes; larger bodies get 413. Default the largest add-checkpoint body.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaximumRequestBodyBytes { get; set; } = AddCheckpointRequest.MaxBodyBytes;

    /// <summary>Submissions waiting for the next group commit; when full, new requests wait (never dropped). Default 8,192.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 8192;

    /// <summary>The most submissions one group commit (one transaction, one ledger signature) takes. Default 1,024.</summary>
    [Range(1, 100_000)]
    public int MaximumBatchSize { get; set; } = 1024;

    /// <summary>Where the ledger keeps its state.</summary>
    public LedgerStorageOptions Storage { get; set; } = new();

    /// <summary>The witnesses asked to cosign every ledger checkpoint (C2SP tlog-witness). Default none.</summary>
    public List<WitnessOptions> Witnesses { get; set; } = [];

    /// <summary>How many witnesses must cosign a ledger checkpoint for a receipt to meet the policy (0..number of witnesses). Default 0.</summary>
    [Range(0, 100)]
    public int RequiredCosignatures { get; set; }

    /// <summary>How long one add-checkpoint request to a witness may take, in milliseconds. Default 5,000.</summary>
    [Range(10, 600_000)]
    public int WitnessRequestTimeoutMilliseconds { get; set; } = 5000;

    /// <summary>How long a gateway's submission waits for witness cosignatures before its receipt is sent, in milliseconds. Default 2,000.</summary>
    [Range(0, 600_000)]
    public int ReceiptCosignatureWaitMilliseconds { get; set; } = 2000;

    /// <summary>How the hospital IT channel is told about a fork.</summary>
    public LedgerAlarmOptions Alarm { get; set; } = new();
}

/// <summary>Section <c>Ledger:Storage</c>.</summary>
public sealed class LedgerStorageOptions
{
    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public LedgerStorageProvider Provider { get; set; } = LedgerStorageProvider.Sqlite;

    /// <summary>The SQLite database file, relative to the settings folder. Default <c>ledger-data/ledger.db</c>.</summary>
    public string SqlitePath { get; set; } = "ledger-data/ledger.db";

    /// <summary>The PostgreSQL connection string (Npgsql syntax) when <see cref="Provider"/> is <c>Postgres</c>. Default empty.</summary>
    public string PostgresConnectionString { get; set; } = string.Empty;
}

/// <summary>Which database holds the ledger.</summary>
public enum LedgerStorageProvider
{
    /// <summary>One SQLite file (WAL, synchronous=FULL).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server (Npgsql).</summary>
    Postgres,
}

/// <summary>One witness (an entry of <c>Ledger:Witnesses</c>).</summary>
public sealed class WitnessOptions
{
    /// <summary>The witness's cosignature/v1 verifier key (<c>name+keyid+base64</c>, type 0x04).</summary>
    public string VerifierKey { get; set; } = string.Empty;

    /// <summary>The witness's base URL; requests go to <c>{Url}/add-checkpoint</c>.</summary>
    public Uri? Url { get; set; }
}

/// <summary>Section <c>Ledger:Alarm</c>.</summary>
public sealed class LedgerAlarmOptions
{
    /// <summary>The MQTT broker that carries fork alarms to the hospital IT channel; none when unset.</summary>
    public LedgerAlarmMqttOptions? Mqtt { get; set; }
}

/// <summary>Section <c>Ledger:Alarm:Mqtt</c>.</summary>
public sealed class LedgerAlarmMqttOptions
{
    /// <summary>The broker host. Default <c>127.0.0.1</c>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The broker port. Default 1883.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>The MQTT client id. Default <c>mediot-ledger-alarm</c>.</summary>
    public string ClientId { get; set; } = "mediot-ledger-alarm";

    /// <summary>The topic fork alarms are published on (QoS 1). Default <c>mediot/v1/it/ledger</c>.</summary>
    public string Topic { get; set; } = "mediot/v1/it/ledger";

    /// <summary>
    /// The user name. Default <c>mediot-ledger</c>, the account configs/mosquitto/mediot.acl lets publish on
    /// <c>mediot/v1/it/ledger</c> only; empty for none.
    /// </summary>
    public string? Username { get; set; } = "mediot-ledger";

    /// <summary>The password, from the environment only (<c>MEDIOT_Ledger__Alarm__Mqtt__Password</c>); prefer <see cref="PasswordFile"/>. Default none.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// A file holding the password: one line, owner-only (mode 0600 or 0400), such as
    /// <c>mediot-sim provision --service-account mediot-ledger</c> writes; relative to the settings file's folder. Checked at
    /// start (exists, owner-only, not empty). Either this or <see cref="Password"/>, not both. Default none.
    /// </summary>
    public string PasswordFile { get; set; } = string.Empty;
}
