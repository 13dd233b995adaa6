namespace MedIoT.Mqtt.Packets;

/// <summary>UNSUBACK (§3.11): acknowledges an UNSUBSCRIBE.</summary>
internal sealed class MqttUnsubAckPacket(ushort packetIdentifier) : MqttIdentifiedPacket(packetIdentifier)
{
    public override MqttPacketType Type => MqttPacketType.UnsubAck;

    /// <summary>MQTT 5.0: one reason code per filter of the UNSUBSCRIBE, in order (§3.11.3); empty for 3.1.1.</summary>
    public IReadOnlyList<MqttReasonCode> ReasonCodes { get; init; } = [];
}
