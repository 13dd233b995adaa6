namespace MedIoT.Mqtt.Packets;

/// <summary>
/// One MQTT control packet (§2). Packets are immutable values; the formatter turns them into bytes
/// and back. MQTT 5 will add a properties collection to the types that carry one.
/// </summary>
internal abstract class MqttPacket
{
    /// <summary>The control packet type.</summary>
    public abstract MqttPacketType Type { get; }
}

/// <summary>A packet whose variable header is only a packet identifier (§2.3.1): PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK.</summary>
internal abstract class MqttIdentifiedPacket : MqttPacket
{
    protected MqttIdentifiedPacket(ushort packetIdentifier) => PacketIdentifier = packetIdentifier;

    /// <summary>The non-zero packet identifier (§2.3.1).</summary>
    public ushort PacketIdentifier { get; }
}
