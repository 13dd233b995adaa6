namespace MedIoT.Mqtt.Packets;

/// <summary>
/// DISCONNECT (3.1.1 §3.14; 5.0 §3.14). In 3.1.1 it has no body and only the client sends it; in 5.0 either side
/// sends it with a reason code (§3.14.2.1) and properties (§3.14.2.2).
/// </summary>
internal sealed class MqttDisconnectPacket(MqttReasonCode reasonCode = MqttReasonCode.Success, MqttProperties? properties = null) : MqttPacket
{
    /// <summary>A normal disconnection without properties (the only 3.1.1 form).</summary>
    public static readonly MqttDisconnectPacket Instance = new();

    public override MqttPacketType Type => MqttPacketType.Disconnect;

    /// <summary>Why the connection ends (5.0 §3.14.2.1).</summary>
    public MqttReasonCode ReasonCode { get; } = reasonCode;

    /// <summary>The properties (5.0 §3.14.2.2).</summary>
    public MqttProperties Properties { get; } = properties ?? MqttProperties.Empty;
}
