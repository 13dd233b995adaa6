namespace MedIoT.Mqtt.Packets;

/// <summary>PUBLISH (§3.3).</summary>
internal sealed class MqttPublishPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Publish;

    /// <summary>The topic name (§3.3.2.1).</summary>
    public required string Topic { get; init; }

    /// <summary>The payload (§3.3.3).</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>The QoS (§3.3.1.2).</summary>
    public MqttQualityOfService QualityOfService { get; init; }

    /// <summary>The RETAIN flag (§3.3.1.3).</summary>
    public bool Retain { get; init; }

    /// <summary>The DUP flag: this may be a redelivery (§3.3.1.1). Always clear for QoS 0.</summary>
    public bool Duplicate { get; init; }

    /// <summary>The packet identifier, present only for QoS 1 and 2 (§3.3.2.2); 0 for QoS 0.</summary>
    public ushort PacketIdentifier { get; init; }

    /// <summary>MQTT 5.0: the PUBLISH properties (§3.3.2.3); <see langword="null"/> when none.</summary>
    public MqttProperties? Properties { get; init; }

    /// <summary>The same packet with DUP set, for a resend (§3.3.1.1, §4.4).</summary>
    public MqttPublishPacket AsDuplicate() => new()
    {
        Topic = Topic,
        Payload = Payload,
        QualityOfService = QualityOfService,
        Retain = Retain,
        Duplicate = true,
        PacketIdentifier = PacketIdentifier,
        Properties = Properties,
    };
}
