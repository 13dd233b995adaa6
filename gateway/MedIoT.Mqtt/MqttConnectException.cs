namespace MedIoT.Mqtt;

/// <summary>The broker refused the connection with a non-zero CONNACK return code (§3.2.2.3).</summary>
public sealed class MqttConnectException : Exception
{
    /// <summary>Creates an exception for <paramref name="returnCode"/>.</summary>
    public MqttConnectException(MqttConnectReturnCode returnCode)
        : base($"The MQTT broker refused the connection: CONNACK return code {(byte)returnCode} ({returnCode}).")
        => ReturnCode = returnCode;

    /// <summary>The CONNACK return code.</summary>
    public MqttConnectReturnCode ReturnCode { get; }
}
