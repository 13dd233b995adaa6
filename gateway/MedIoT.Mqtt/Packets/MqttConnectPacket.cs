namespace MedIoT.Mqtt.Packets;

/// <summary>CONNECT (§3.1): the first packet a client sends.</summary>
internal sealed class MqttConnectPacket : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.Connect;

    /// <summary>The protocol level (§3.1.2.2).</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V311;

    /// <summary>The client identifier (§3.1.3.1).</summary>
    public required string ClientId { get; init; }

    /// <summary>The Clean Session flag (3.1.1 §3.1.2.4), Clean Start in MQTT 5.0 (§3.1.2.4).</summary>
    public bool CleanSession { get; init; }

    /// <summary>The keep-alive period in seconds; 0 disables it (§3.1.2.10).</summary>
    public ushort KeepAliveSeconds { get; init; }

    /// <summary>The user name (§3.1.3.4), or <see langword="null"/> when the flag is clear.</summary>
    public string? Username { get; init; }

    /// <summary>The password (§3.1.3.5; binary data), or <see langword="null"/> when the flag is clear.</summary>
    public ReadOnlyMemory<byte>? Password { get; init; }

    /// <summary>The will topic (§3.1.3.2), or <see langword="null"/> when the will flag is clear.</summary>
    public string? WillTopic { get; init; }

    /// <summary>The will message (§3.1.3.3).</summary>
    public ReadOnlyMemory<byte> WillPayload { get; init; }

    /// <summary>The will QoS (§3.1.2.6).</summary>
    public MqttQualityOfService WillQualityOfService { get; init; }

    /// <summary>The will retain flag (§3.1.2.7).</summary>
    public bool WillRetain { get; init; }

    /// <summary>MQTT 5.0: the CONNECT properties (§3.1.2.11); ignored for 3.1.1.</summary>
    public MqttProperties? Properties { get; init; }

    /// <summary>MQTT 5.0: the will properties (§3.1.3.2); ignored for 3.1.1.</summary>
    public MqttProperties? WillProperties { get; init; }
}
