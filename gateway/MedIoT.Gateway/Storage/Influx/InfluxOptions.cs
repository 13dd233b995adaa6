using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// Where readings are stored: an InfluxDB <c>/write</c> (1.x, and the compatibility API of 2.x/3.x) or
/// <c>/api/v2/write</c> endpoint; section <c>Gateway:Influx</c>.
/// </summary>
public sealed class InfluxOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Influx";

    /// <summary>Base address of the InfluxDB HTTP API. Default <c>http://127.0.0.1:8086/</c>.</summary>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:8086/");

    /// <summary>
    /// Which write API: <c>V1</c> (<c>POST /write?db=&amp;rp=&amp;precision=ns</c>, basic credentials) or <c>V2</c>
    /// (<c>POST /api/v2/write?org=&amp;bucket=&amp;precision=ns</c>, <c>Authorization: Token</c>). Default <c>V1</c>.
    /// </summary>
    public InfluxApiVersion ApiVersion { get; set; } = InfluxApiVersion.V1;

    /// <summary>The organisation (API V2 only). Default <c>mediot</c>.</summary>
    [RegularExpression("^[^\\r\\n]{1,256}$")]
    public string Organization { get; set; } = "mediot";

    /// <summary>The bucket (API V2 only). Default <c>mediot</c>.</summary>
    [RegularExpression("^[^\\r\\n]{1,256}$")]
    public string Bucket { get; set; } = "mediot";

    /// <summary>The API token (API V2 only); empty for none. Set it through the environment (<c>MEDIOT_Gateway__Influx__Token</c>).</summary>
    public string? Token { get; set; }

    /// <summary>Database (InfluxDB 1.x) or mapped bucket (2.x/3.x compatibility API). Default <c>mediot</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string Database { get; set; } = "mediot";

    /// <summary>Retention policy; empty for the database's default.</summary>
    public string? RetentionPolicy { get; set; }

    /// <summary>User name for HTTP basic authentication; empty for none.</summary>
    public string? Username { get; set; }

    /// <summary>Password; set it through the environment (<c>MEDIOT_Gateway__Influx__Password</c>), never in a committed file.</summary>
    public string? Password { get; set; }

    /// <summary>Create the database at start if it does not exist (API V1 with InfluxDB 1.x only). Default true.</summary>
    public bool CreateDatabase { get; set; } = true;

    /// <summary>Most points in one write request, 1–50000. Default 5000.</summary>
    [Range(1, 50_000)]
    public int BatchSize { get; set; } = 5000;

    /// <summary>Longest a point waits for its batch to fill, in milliseconds, 1–10000. Default 100.</summary>
    [Range(1, 10_000)]
    public int FlushIntervalMilliseconds { get; set; } = 100;

    /// <summary>Timeout of one write request in seconds, 1–300. Default 10.</summary>
    [Range(1, 300)]
    public int RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>First retry delay after a failed write, in milliseconds, 10–60000; doubled up to <see cref="RetryMaximumDelayMilliseconds"/>. Default 200.</summary>
    [Range(10, 60_000)]
    public int RetryInitialDelayMilliseconds { get; set; } = 200;

    /// <summary>Longest retry delay in milliseconds, 10–300000. Default 10000.</summary>
    [Range(10, 300_000)]
    public int RetryMaximumDelayMilliseconds { get; set; } = 10_000;

    /// <summary>The measurement readings are written to. Default <c>vitals</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_]{1,64}$")]
    public string Measurement { get; set; } = "vitals";
}
