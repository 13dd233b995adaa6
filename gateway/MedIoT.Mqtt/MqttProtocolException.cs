namespace MedIoT.Mqtt;

/// <summary>The broker violated MQTT 3.1.1 or 5.0; the client closed that connection (3.1.1 §4.8; 5.0 §4.13, after a DISCONNECT with the reason).</summary>
public sealed class MqttProtocolException : Exception
{
    /// <summary>Creates an exception for <paramref name="error"/> with a message that says what was wrong.</summary>
    public MqttProtocolException(MqttProtocolError error, string message)
        : base(message) => Error = error;

    /// <summary>Creates an exception for <paramref name="error"/> with a generic message.</summary>
    public MqttProtocolException(MqttProtocolError error)
        : this(error, $"The MQTT peer violated the protocol: {error}.")
    {
    }

    /// <summary>What was wrong.</summary>
    public MqttProtocolError Error { get; }
}
