namespace MedIoT.Mqtt.Packets;

/// <summary>PUBREL (§3.6): second step of QoS 2.</summary>
internal sealed class MqttPubRelPacket(ushort packetIdentifier) : MqttIdentifiedPacket(packetIdentifier)
{
    public override MqttPacketType Type => MqttPacketType.PubRel;
}
