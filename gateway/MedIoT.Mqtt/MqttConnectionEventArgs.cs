namespace MedIoT.Mqtt;

/// <summary>Raised by <see cref="MqttClient.Connected"/> after a connection is established and resumed.</summary>
public sealed class MqttConnectedEventArgs(bool sessionPresent, bool isReconnect) : EventArgs
{
    /// <summary>Whether the broker resumed a stored session (CONNACK, §3.2.2.2).</summary>
    public bool SessionPresent { get; } = sessionPresent;

    /// <summary>Whether this was an automatic reconnect rather than <see cref="MqttClient.ConnectAsync"/>.</summary>
    public bool IsReconnect { get; } = isReconnect;
}

/// <summary>Raised by <see cref="MqttClient.ConnectionLost"/> when a connection ends without DISCONNECT and the client will reconnect.</summary>
public sealed class MqttConnectionLostEventArgs(Exception reason) : EventArgs
{
    /// <summary>Why the connection ended: an <see cref="IOException"/> (including <see cref="MqttKeepAliveTimeoutException"/>) or an <see cref="MqttProtocolException"/>.</summary>
    public Exception Reason { get; } = reason;
}
