namespace MedIoT.Mqtt.Packets;

/// <summary>PUBACK (§3.4): acknowledges a QoS 1 PUBLISH.</summary>
internal sealed class MqttPubAckPacket(ushort packetIdentifier) : MqttIdentifiedPacket(packetIdentifier)
{
    public override MqttPacketType Type => MqttPacketType.PubAck;
}
