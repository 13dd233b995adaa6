namespace MedIoT.Mqtt.Packets;

/// <summary>UNSUBSCRIBE (§3.10): one or more topic filters to remove.</summary>
internal sealed class MqttUnsubscribePacket(ushort packetIdentifier, IReadOnlyList<string> filters) : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Unsubscribe;

    /// <summary>The non-zero packet identifier (§3.10.2).</summary>
    public ushort PacketIdentifier { get; } = packetIdentifier;

    /// <summary>The filters, at least one (§3.10.3).</summary>
    public IReadOnlyList<string> Filters { get; } = filters;

    /// <summary>MQTT 5.0: the UNSUBSCRIBE properties (§3.10.2.1); <see langword="null"/> when none.</summary>
    public MqttProperties? Properties { get; init; }
}
