namespace MedIoT.Gateway.Storage.Influx;

/// <summary>The outcome of one write request.</summary>
internal enum InfluxWriteResult
{
    /// <summary>204: every point is durable in InfluxDB.</summary>
    Written,

    /// <summary>Refused connection, timeout or 5xx: nothing was lost, try again.</summary>
    Retry,

    /// <summary>4xx: InfluxDB refuses the request itself (bad point, unknown database, credentials).</summary>
    Refused,
}
