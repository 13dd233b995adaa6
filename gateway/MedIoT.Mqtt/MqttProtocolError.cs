namespace MedIoT.Mqtt;

/// <summary>Why bytes from the peer are not a valid MQTT 3.1.1 or 5.0 packet, or why a valid packet is not allowed here.</summary>
public enum MqttProtocolError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The Remaining Length uses more than four bytes (§2.2.3).</summary>
    MalformedRemainingLength,

    /// <summary>The packet is larger than the configured maximum; it was rejected before it was buffered.</summary>
    PacketTooLarge,

    /// <summary>The packet type is reserved (0 or 15, §2.2.1).</summary>
    UnknownPacketType,

    /// <summary>The fixed-header flags are not those §2.2.2 requires for the packet type.</summary>
    InvalidFlags,

    /// <summary>A QoS field holds 3 (§3.3.1.2) or a value the packet does not allow.</summary>
    InvalidQualityOfService,

    /// <summary>The packet body does not match its type's layout (wrong length, missing or extra fields, reserved bits set).</summary>
    MalformedPacket,

    /// <summary>A string is not well-formed UTF-8 or contains U+0000 (§1.5.3).</summary>
    InvalidUtf8String,

    /// <summary>A topic name is empty or contains a wildcard (§4.7.3, §3.3.2.1).</summary>
    InvalidTopicName,

    /// <summary>A topic filter misuses a wildcard (§4.7.1).</summary>
    InvalidTopicFilter,

    /// <summary>A packet identifier is zero where a non-zero one is required (§2.3.1).</summary>
    InvalidPacketIdentifier,

    /// <summary>CONNECT names a protocol or level this implementation does not speak (§3.1.2.1, §3.1.2.2).</summary>
    UnsupportedProtocolVersion,

    /// <summary>A well-formed packet the peer must not send in this direction or state (§3.2, §4.8).</summary>
    UnexpectedPacket,

    /// <summary>An acknowledgement names a packet identifier that has nothing awaiting it (§2.3.1).</summary>
    UnknownPacketIdentifier,

    /// <summary>The peer closed the connection in the middle of a packet.</summary>
    TruncatedPacket,

    /// <summary>MQTT 5.0: a property is unknown, malformed (length, value out of range, §2.2.2.2) or its length field does not match.</summary>
    MalformedProperty,

    /// <summary>MQTT 5.0: a property that may appear once appears twice (§2.2.2.2).</summary>
    DuplicateProperty,

    /// <summary>MQTT 5.0: a property the packet type must not carry (§2.2.2.2, table 2-4).</summary>
    PropertyNotAllowed,

    /// <summary>MQTT 5.0: a reason code the packet type must not carry (§2.4, table 2-6).</summary>
    InvalidReasonCode,

    /// <summary>
    /// MQTT 5.0: the server sent more unacknowledged QoS 1 and 2 publishes than our Receive Maximum (§3.3.4). Not raised by
    /// this client any more: such messages are accepted and counted (<see cref="MqttLogEvents.ReceiveMaximumExceeded"/>);
    /// the value stays for its reason code 0x93.
    /// </summary>
    ReceiveMaximumExceeded,

    /// <summary>MQTT 5.0: the server used a topic alias although we allow none (Topic Alias Maximum 0, §3.3.2.3.4).</summary>
    TopicAliasInvalid,
}
