namespace MedIoT.Mqtt;

/// <summary>
/// The connection ended before an operation finished: after <see cref="MqttClient.DisconnectAsync"/>
/// (no inner exception) or because it was lost (the cause is the inner exception). A QoS 1 publish
/// that fails this way may or may not have reached the broker; publish it again on a new connection.
/// </summary>
public sealed class MqttConnectionClosedException : IOException
{
    /// <summary>Creates an exception with a message and an optional cause.</summary>
    public MqttConnectionClosedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
