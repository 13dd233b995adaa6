namespace MedIoT.Mqtt.Packets;

/// <summary>UNSUBACK (§3.11): acknowledges an UNSUBSCRIBE.</summary>
internal sealed class MqttUnsubAckPacket(ushort packetIdentifier) : MqttIdentifiedPacket(packetIdentifier)
{
    public override MqttPacketType Type => MqttPacketType.UnsubAck;
}
