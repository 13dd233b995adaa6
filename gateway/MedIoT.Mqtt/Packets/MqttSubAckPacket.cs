namespace MedIoT.Mqtt.Packets;

/// <summary>SUBACK (§3.9): one return code per filter of the SUBSCRIBE, in order.</summary>
internal sealed class MqttSubAckPacket(ushort packetIdentifier, IReadOnlyList<MqttSubscribeReturnCode> returnCodes) : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.SubAck;

    /// <summary>The packet identifier of the SUBSCRIBE (§3.9.2).</summary>
    public ushort PacketIdentifier { get; } = packetIdentifier;

    /// <summary>The return codes (3.1.1 §3.9.3) or reason codes (5.0 §3.9.3).</summary>
    public IReadOnlyList<MqttSubscribeReturnCode> ReturnCodes { get; } = returnCodes;

    /// <summary>MQTT 5.0: the SUBACK properties (§3.9.2.1); <see langword="null"/> when none.</summary>
    public MqttProperties? Properties { get; init; }
}
