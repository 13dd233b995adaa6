namespace MedIoT.Mqtt.Packets;

/// <summary>PUBCOMP (§3.7): last step of QoS 2.</summary>
internal sealed class MqttPubCompPacket(ushort packetIdentifier) : MqttIdentifiedPacket(packetIdentifier)
{
    public override MqttPacketType Type => MqttPacketType.PubComp;
}
