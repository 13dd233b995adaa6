namespace MedIoT.Gateway.Storage.Influx;

/// <summary>The outcome of one write request.</summary>
internal enum InfluxWriteResult
{
    /// <summary>204: every point is durable in InfluxDB.</summary>
    Written,

    /// <summary>Refused connection, timeout or 5xx: nothing was lost, try again.</summary>
    Retry,

    /// <summary>4xx about the request itself (unknown database, credentials): a setting to fix; retried, never dropped.</summary>
    Refused,

    /// <summary>
    /// 4xx about points (unable to parse, field type conflict, beyond retention): InfluxDB wrote the good points of the
    /// body and dropped the bad ones (1.x reports a partial write); retrying cannot change that.
    /// </summary>
    PointsRefused,
}
