namespace MedIoT.Mqtt.Packets;

/// <summary>
/// The properties of an MQTT 5.0 packet (OASIS MQTT Version 5.0 §2.2.2, table 2-4). Each property is
/// <see langword="null"/> when absent. Which ones a packet may carry, and which may repeat, is enforced by
/// <see cref="Formatter.MqttPropertyCodec"/>; only User Property and, in PUBLISH, Subscription Identifier repeat.
/// </summary>
internal sealed class MqttProperties
{
    /// <summary>An instance with nothing set.</summary>
    public static readonly MqttProperties Empty = new();

    /// <summary>0x01, §3.3.2.3.2: 0 unspecified bytes, 1 UTF-8 payload.</summary>
    public byte? PayloadFormatIndicator { get; init; }

    /// <summary>0x02, §3.3.2.3.3: seconds the message lives.</summary>
    public uint? MessageExpiryInterval { get; init; }

    /// <summary>0x03, §3.3.2.3.9: the payload's MIME type.</summary>
    public string? ContentType { get; init; }

    /// <summary>0x08, §3.3.2.3.5: where a response goes.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>0x09, §3.3.2.3.6: correlates a response with its request.</summary>
    public ReadOnlyMemory<byte>? CorrelationData { get; init; }

    /// <summary>0x0B, §3.3.2.3.8, §3.8.2.1.2: 1 to 268,435,455; several in a PUBLISH from the server, one in SUBSCRIBE.</summary>
    public IReadOnlyList<int>? SubscriptionIdentifiers { get; init; }

    /// <summary>0x11, §3.1.2.11.2, §3.2.2.3.2, §3.14.2.2.2: seconds the session outlives the connection.</summary>
    public uint? SessionExpiryInterval { get; init; }

    /// <summary>0x12, §3.2.2.3.7: the client identifier the server assigned.</summary>
    public string? AssignedClientIdentifier { get; init; }

    /// <summary>0x13, §3.2.2.3.14: the keep alive the server requires.</summary>
    public ushort? ServerKeepAlive { get; init; }

    /// <summary>0x15, §3.1.2.11.9: the extended authentication method.</summary>
    public string? AuthenticationMethod { get; init; }

    /// <summary>0x16, §3.1.2.11.10: authentication data.</summary>
    public ReadOnlyMemory<byte>? AuthenticationData { get; init; }

    /// <summary>0x17, §3.1.2.11.7: 0 or 1.</summary>
    public byte? RequestProblemInformation { get; init; }

    /// <summary>0x18, §3.1.3.2.2: seconds before the will is published.</summary>
    public uint? WillDelayInterval { get; init; }

    /// <summary>0x19, §3.1.2.11.6: 0 or 1.</summary>
    public byte? RequestResponseInformation { get; init; }

    /// <summary>0x1A, §3.2.2.3.15.</summary>
    public string? ResponseInformation { get; init; }

    /// <summary>0x1C, §3.2.2.3.16, §3.14.2.2.5: another server to use.</summary>
    public string? ServerReference { get; init; }

    /// <summary>0x1F, §3.2.2.3.9 and the acknowledgements: human-readable diagnostics.</summary>
    public string? ReasonString { get; init; }

    /// <summary>0x21, §3.1.2.11.3, §3.2.2.3.3: 1 to 65,535 QoS 1 and 2 publishes in flight.</summary>
    public ushort? ReceiveMaximum { get; init; }

    /// <summary>0x22, §3.1.2.11.5, §3.2.2.3.8: the highest topic alias accepted.</summary>
    public ushort? TopicAliasMaximum { get; init; }

    /// <summary>0x23, §3.3.2.3.4: 1 or more.</summary>
    public ushort? TopicAlias { get; init; }

    /// <summary>0x24, §3.2.2.3.4: 0 or 1 (absent means 2).</summary>
    public byte? MaximumQualityOfService { get; init; }

    /// <summary>0x25, §3.2.2.3.5: 0 or 1.</summary>
    public byte? RetainAvailable { get; init; }

    /// <summary>0x26, §3.1.2.11.8 and every packet with properties: name/value pairs, in order, repeatable.</summary>
    public IReadOnlyList<MqttUserProperty>? UserProperties { get; init; }

    /// <summary>0x27, §3.1.2.11.4, §3.2.2.3.6: 1 or more bytes, the largest packet accepted.</summary>
    public uint? MaximumPacketSize { get; init; }

    /// <summary>0x28, §3.2.2.3.11: 0 or 1.</summary>
    public byte? WildcardSubscriptionAvailable { get; init; }

    /// <summary>0x29, §3.2.2.3.12: 0 or 1.</summary>
    public byte? SubscriptionIdentifiersAvailable { get; init; }

    /// <summary>0x2A, §3.2.2.3.13: 0 or 1.</summary>
    public byte? SharedSubscriptionAvailable { get; init; }
}
