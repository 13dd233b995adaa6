namespace MedIoT.Mqtt.Packets;

/// <summary>SUBSCRIBE (§3.8): one or more topic filters with a requested QoS each.</summary>
internal sealed class MqttSubscribePacket(ushort packetIdentifier, IReadOnlyList<MqttTopicFilter> filters) : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Subscribe;

    /// <summary>The non-zero packet identifier (§3.8.2).</summary>
    public ushort PacketIdentifier { get; } = packetIdentifier;

    /// <summary>The filters, at least one (§3.8.3).</summary>
    public IReadOnlyList<MqttTopicFilter> Filters { get; } = filters;

    /// <summary>MQTT 5.0: the SUBSCRIBE properties (§3.8.2.1); <see langword="null"/> when none.</summary>
    public MqttProperties? Properties { get; init; }
}
