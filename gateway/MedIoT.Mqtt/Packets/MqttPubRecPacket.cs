namespace MedIoT.Mqtt.Packets;

/// <summary>PUBREC (§3.5): first answer to a QoS 2 PUBLISH.</summary>
internal sealed class MqttPubRecPacket(ushort packetIdentifier) : MqttIdentifiedPacket(packetIdentifier)
{
    public override MqttPacketType Type => MqttPacketType.PubRec;
}
