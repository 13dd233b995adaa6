namespace MedIoT.Mqtt.Packets;

/// <summary>AUTH (MQTT 5.0 §3.15): enhanced authentication. This client never starts it, so a server's AUTH is refused (§4.12).</summary>
internal sealed class MqttAuthPacket(MqttReasonCode reasonCode, MqttProperties? properties = null) : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Auth;

    /// <summary>The reason code (§3.15.2.1).</summary>
    public MqttReasonCode ReasonCode { get; } = reasonCode;

    /// <summary>The properties (§3.15.2.2).</summary>
    public MqttProperties Properties { get; } = properties ?? MqttProperties.Empty;
}
