namespace MedIoT.Mqtt;

/// <summary>
/// MQTT 5.0: the broker ended the connection with a DISCONNECT (§3.14), e.g. 0x8E Session taken over, 0x8B Server
/// shutting down, 0x98 Administrative action. An <see cref="IOException"/>: like any lost connection it is
/// retried with <see cref="MqttClientOptions.AutomaticReconnect"/>, and reported by
/// <see cref="MqttClient.ConnectionLost"/> and <see cref="MqttClient.Completion"/>.
/// </summary>
public sealed class MqttDisconnectedByServerException : IOException
{
    /// <summary>Creates an exception for the DISCONNECT's <paramref name="reasonCode"/> and optional reason string (§3.14.2.2.3).</summary>
    public MqttDisconnectedByServerException(MqttReasonCode reasonCode, string? reasonString, string? serverReference = null)
        : base($"The MQTT broker disconnected the client: reason code 0x{(byte)reasonCode:X2} ({reasonCode}){(reasonString is null ? string.Empty : $": {reasonString}")}.")
    {
        ReasonCode = reasonCode;
        ReasonString = reasonString;
        ServerReference = serverReference;
    }

    /// <summary>The DISCONNECT reason code (§3.14.2.1).</summary>
    public MqttReasonCode ReasonCode { get; }

    /// <summary>The broker's reason string, if any (§3.14.2.2.3).</summary>
    public string? ReasonString { get; }

    /// <summary>Another server the broker suggests (0x9C, 0x9D with Server Reference, §3.14.2.2.5), if any.</summary>
    public string? ServerReference { get; }
}
