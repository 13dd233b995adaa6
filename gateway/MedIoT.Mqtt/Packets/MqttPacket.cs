namespace MedIoT.Mqtt.Packets;

/// <summary>
/// One MQTT control packet (§2). Packets are immutable values; the formatter turns them into bytes
/// and back. MQTT 5.0 packets carry properties and reason codes as well; MQTT 3.1.1 ignores them.
/// </summary>
internal abstract class MqttPacket
{
    /// <summary>The control packet type.</summary>
    public abstract MqttPacketType Type { get; }
}

/// <summary>
/// A packet whose 3.1.1 variable header is only a packet identifier (§2.3.1): PUBACK, PUBREC, PUBREL, PUBCOMP,
/// UNSUBACK. In MQTT 5.0 the first four add an optional reason code and properties (§3.4.2), UNSUBACK
/// properties and one reason code per filter (§3.11).
/// </summary>
internal abstract class MqttIdentifiedPacket : MqttPacket
{
    protected MqttIdentifiedPacket(ushort packetIdentifier) => PacketIdentifier = packetIdentifier;

    /// <summary>The non-zero packet identifier (§2.3.1).</summary>
    public ushort PacketIdentifier { get; }

    /// <summary>MQTT 5.0: the reason code of PUBACK, PUBREC, PUBREL, PUBCOMP (§3.4.2.1); success when omitted.</summary>
    public MqttReasonCode ReasonCode { get; init; }

    /// <summary>MQTT 5.0: the properties (§3.4.2.2); <see langword="null"/> when none.</summary>
    public MqttProperties? Properties { get; init; }
}
