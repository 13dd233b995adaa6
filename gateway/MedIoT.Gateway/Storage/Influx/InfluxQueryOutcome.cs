namespace MedIoT.Gateway.Storage.Influx;

/// <summary>How an InfluxQL query went.</summary>
public enum InfluxQueryOutcome
{
    /// <summary>InfluxDB answered; the series are the answer (possibly none).</summary>
    Answered = 1,

    /// <summary>InfluxDB could not be reached in time (down, refused, timed out).</summary>
    Unreachable = 2,

    /// <summary>
    /// The endpoint has no InfluxQL <c>/query</c> (a write-only v2 endpoint such as VictoriaMetrics, or a 2.x without a
    /// database/retention-policy mapping for the bucket) or refused our credentials.
    /// </summary>
    NoQueryApi = 3,

    /// <summary>InfluxDB answered with an error or with something that is not an InfluxQL answer.</summary>
    Failed = 4,
}
