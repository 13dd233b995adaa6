namespace MedIoT.Mqtt;

/// <summary>No packet arrived within the keep-alive period after a PINGREQ, so the connection was treated as dead (§3.1.2.10).</summary>
public sealed class MqttKeepAliveTimeoutException : IOException
{
    /// <summary>Creates an exception for a connection with the given keep-alive period.</summary>
    public MqttKeepAliveTimeoutException(TimeSpan keepAlive)
        : base($"The MQTT broker did not answer a PINGREQ within the keep-alive period of {keepAlive.TotalSeconds:0} s (MqttClientOptions.KeepAlive); the connection is considered dead.")
        => KeepAlive = keepAlive;

    /// <summary>The keep-alive period that elapsed.</summary>
    public TimeSpan KeepAlive { get; }
}
