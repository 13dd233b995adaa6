using System.Buffers;
using MedIoT.Mqtt.Internal;
using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Formatter;

/// <summary>
/// Frames and decodes MQTT packets from buffered bytes. Pure: no I/O, no exceptions for bad input —
/// bytes from the network yield <see cref="MqttReadStatus.Error"/> and a <see cref="MqttProtocolError"/>.
/// </summary>
internal static partial class MqttPacketReader
{
    /// <summary>Reads one MQTT 3.1.1 packet; see the overload taking a protocol version.</summary>
    public static MqttReadStatus TryReadPacket(
        ref ReadOnlySequence<byte> buffer, int maximumPacketSize, out MqttPacket? packet, out MqttProtocolError error) =>
        TryReadPacket(ref buffer, MqttProtocolVersion.V311, maximumPacketSize, out packet, out error);

    /// <summary>
    /// Reads one packet from the start of <paramref name="buffer"/>. On <see cref="MqttReadStatus.Done"/>
    /// <paramref name="buffer"/> is advanced past the packet; otherwise it is left unchanged. A packet whose
    /// declared size exceeds <paramref name="maximumPacketSize"/> (fixed header included) is rejected as soon
    /// as its Remaining Length is known, before its body is buffered. The protocol version selects the
    /// packet layouts; MQTT 5 adds properties to most of them.
    /// </summary>
    public static MqttReadStatus TryReadPacket(
        ref ReadOnlySequence<byte> buffer, MqttProtocolVersion protocolVersion, int maximumPacketSize,
        out MqttPacket? packet, out MqttProtocolError error) =>
        TryReadPacket(ref buffer, protocolVersion, maximumPacketSize, null, out packet, out error);

    /// <summary>As above, reusing topic name strings from <paramref name="topics"/> (one per connection).</summary>
    public static MqttReadStatus TryReadPacket(
        ref ReadOnlySequence<byte> buffer, MqttProtocolVersion protocolVersion, int maximumPacketSize, MqttTopicCache? topics,
        out MqttPacket? packet, out MqttProtocolError error)
    {
        packet = null;
        error = MqttProtocolError.None;
        var version5 = protocolVersion == MqttProtocolVersion.V500;

        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryRead(out var firstByte))
        {
            return MqttReadStatus.NeedMoreData;
        }

        // §2.2.1: type 0 is reserved, and 15 in 3.1.1 (5.0 §2.1.2: AUTH). §2.2.2: flags are fixed per type.
        // Both are checkable from the first byte, so a garbage stream is rejected without waiting for more bytes.
        var type = firstByte >> 4;
        if (type == 0 || (type == 15 && !version5))
        {
            return Fail(MqttProtocolError.UnknownPacketType, out error);
        }

        if (!MqttFixedHeader.HasValidFlags(firstByte))
        {
            return Fail(MqttProtocolError.InvalidFlags, out error);
        }

        // §2.2.3: seven bits per byte, least significant group first, continuation in bit 7, at most four bytes.
        var remainingLength = 0;
        var multiplier = 1;
        var lengthBytes = 0;
        while (true)
        {
            if (!reader.TryRead(out var encoded))
            {
                return MqttReadStatus.NeedMoreData;
            }

            lengthBytes++;
            remainingLength += (encoded & 0x7F) * multiplier;
            if ((encoded & 0x80) == 0)
            {
                break;
            }

            if (lengthBytes == MqttFixedHeader.MaximumRemainingLengthBytes)
            {
                return Fail(MqttProtocolError.MalformedRemainingLength, out error);
            }

            multiplier *= 128;
        }

        if ((long)1 + lengthBytes + remainingLength > maximumPacketSize)
        {
            return Fail(MqttProtocolError.PacketTooLarge, out error);
        }

        if (reader.Remaining < remainingLength)
        {
            return MqttReadStatus.NeedMoreData;
        }

        var bodySequence = buffer.Slice(reader.Position, remainingLength);
        var body = bodySequence.IsSingleSegment ? bodySequence.FirstSpan : bodySequence.ToArray();
        error = version5
            ? Decode5((MqttPacketType)type, (byte)(firstByte & 0x0F), body, topics, out packet)
            : Decode((MqttPacketType)type, (byte)(firstByte & 0x0F), body, topics, out packet);
        if (error != MqttProtocolError.None)
        {
            packet = null;
            return MqttReadStatus.Error;
        }

        buffer = buffer.Slice(bodySequence.End);
        return MqttReadStatus.Done;
    }

    internal static MqttReadStatus Fail(MqttProtocolError reason, out MqttProtocolError error)
    {
        error = reason;
        return MqttReadStatus.Error;
    }

    private static MqttProtocolError Decode(MqttPacketType type, byte flags, ReadOnlySpan<byte> body, MqttTopicCache? topics, out MqttPacket? packet)
    {
        packet = null;
        var reader = new MqttSpanReader(body);
        switch (type)
        {
            case MqttPacketType.Connect:
                return DecodeConnect(ref reader, out packet);
            case MqttPacketType.ConnAck:
                return DecodeConnAck(ref reader, out packet);
            case MqttPacketType.Publish:
                return DecodePublish(ref reader, flags, topics, out packet);
            case MqttPacketType.PubAck:
            case MqttPacketType.PubRec:
            case MqttPacketType.PubRel:
            case MqttPacketType.PubComp:
            case MqttPacketType.UnsubAck:
                return DecodeIdentifierOnly(ref reader, type, out packet);
            case MqttPacketType.Subscribe:
                return DecodeSubscribe(ref reader, out packet);
            case MqttPacketType.SubAck:
                return DecodeSubAck(ref reader, out packet);
            case MqttPacketType.Unsubscribe:
                return DecodeUnsubscribe(ref reader, out packet);
            case MqttPacketType.PingReq:
            case MqttPacketType.PingResp:
            case MqttPacketType.Disconnect:
                // §3.12, §3.13, §3.14: no variable header, no payload.
                if (reader.Remaining != 0)
                {
                    return MqttProtocolError.MalformedPacket;
                }

                packet = type switch
                {
                    MqttPacketType.PingReq => MqttPingReqPacket.Instance,
                    MqttPacketType.PingResp => MqttPingRespPacket.Instance,
                    _ => MqttDisconnectPacket.Instance,
                };
                return MqttProtocolError.None;
            default:
                return MqttProtocolError.UnknownPacketType;
        }
    }

    private static MqttProtocolError DecodeConnect(ref MqttSpanReader reader, out MqttPacket? packet)
    {
        packet = null;

        var error = ReadConnectHeader(ref reader, MqttProtocolVersion.V311, out var connectFlags, out var keepAlive);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        // §3.1.2.3: bit 0 is reserved and must be zero.
        if ((connectFlags & 0x01) != 0)
        {
            return MqttProtocolError.MalformedPacket;
        }

        var hasUsername = (connectFlags & 0x80) != 0;
        var hasPassword = (connectFlags & 0x40) != 0;
        var willRetain = (connectFlags & 0x20) != 0;
        var willQualityOfService = (connectFlags >> 3) & 0x03;
        var hasWill = (connectFlags & 0x04) != 0;
        var cleanSession = (connectFlags & 0x02) != 0;
        if (willQualityOfService == 3)
        {
            return MqttProtocolError.InvalidQualityOfService;
        }

        // §3.1.2.5–§3.1.2.7: without a will, its QoS and retain must be zero. §3.1.2.9: no password without a user name.
        if ((!hasWill && (willRetain || willQualityOfService != 0)) || (hasPassword && !hasUsername))
        {
            return MqttProtocolError.MalformedPacket;
        }

        error = reader.TryReadString(out var clientId);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        error = ReadConnectPayloadTail(ref reader, hasWill, hasUsername, hasPassword, out var willTopic, out var willPayload, out var username, out var password);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        packet = new MqttConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V311,
            ClientId = clientId,
            CleanSession = cleanSession,
            KeepAliveSeconds = keepAlive,
            Username = username,
            Password = password,
            WillTopic = willTopic,
            WillPayload = willPayload,
            WillQualityOfService = (MqttQualityOfService)willQualityOfService,
            WillRetain = willRetain,
        };
        return MqttProtocolError.None;
    }

    private static MqttProtocolError DecodeConnAck(ref MqttSpanReader reader, out MqttPacket? packet)
    {
        packet = null;

        // §3.2.2.1: bits 7–1 of the acknowledge flags are reserved and zero; §3.2.2.3 return code.
        if (reader.Remaining != 2 || !reader.TryReadByte(out var acknowledgeFlags) || !reader.TryReadByte(out var returnCode))
        {
            return MqttProtocolError.MalformedPacket;
        }

        if ((acknowledgeFlags & 0xFE) != 0)
        {
            return MqttProtocolError.MalformedPacket;
        }

        packet = new MqttConnAckPacket((acknowledgeFlags & 0x01) != 0, (MqttConnectReturnCode)returnCode);
        return MqttProtocolError.None;
    }

    internal static MqttProtocolError DecodePublish(ref MqttSpanReader reader, byte flags, MqttTopicCache? topics, out MqttPacket? packet)
    {
        packet = null;
        var duplicate = (flags & 0x08) != 0;
        var qualityOfService = (flags >> 1) & 0x03;
        var retain = (flags & 0x01) != 0;

        // §3.3.1.2: QoS 3 is malformed. §3.3.1.1: DUP must be 0 for QoS 0.
        if (qualityOfService == 3)
        {
            return MqttProtocolError.InvalidQualityOfService;
        }

        if (duplicate && qualityOfService == 0)
        {
            return MqttProtocolError.InvalidFlags;
        }

        var topicStart = reader;
        var error = reader.TryReadTopic(topics, out var topic, out var cached);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        // §3.3.2.1: a topic name, not a filter: no wildcards; §4.7.3: at least one character.
        if (!cached)
        {
            if (!MqttStrings.IsValidTopicName(topic))
            {
                return MqttProtocolError.InvalidTopicName;
            }

            if (topics is not null && topicStart.TryReadBinary(out var topicBytes))
            {
                topics.Add(topicBytes, topic);
            }
        }

        ushort packetIdentifier = 0;
        if (qualityOfService > 0)
        {
            // §2.3.1: a QoS 1 or 2 PUBLISH carries a non-zero packet identifier.
            if (!reader.TryReadUInt16(out packetIdentifier))
            {
                return MqttProtocolError.MalformedPacket;
            }

            if (packetIdentifier == 0)
            {
                return MqttProtocolError.InvalidPacketIdentifier;
            }
        }

        packet = new MqttPublishPacket
        {
            Topic = topic,
            Payload = reader.ReadRest().ToArray(),
            QualityOfService = (MqttQualityOfService)qualityOfService,
            Retain = retain,
            Duplicate = duplicate,
            PacketIdentifier = packetIdentifier,
        };
        return MqttProtocolError.None;
    }

    private static MqttProtocolError DecodeIdentifierOnly(ref MqttSpanReader reader, MqttPacketType type, out MqttPacket? packet)
    {
        packet = null;

        // §3.4.2, §3.5.2, §3.6.2, §3.7.2, §3.11.2: exactly a two-byte packet identifier.
        if (reader.Remaining != 2 || !reader.TryReadUInt16(out var packetIdentifier))
        {
            return MqttProtocolError.MalformedPacket;
        }

        if (packetIdentifier == 0)
        {
            return MqttProtocolError.InvalidPacketIdentifier;
        }

        packet = type switch
        {
            MqttPacketType.PubAck => new MqttPubAckPacket(packetIdentifier),
            MqttPacketType.PubRec => new MqttPubRecPacket(packetIdentifier),
            MqttPacketType.PubRel => new MqttPubRelPacket(packetIdentifier),
            MqttPacketType.PubComp => new MqttPubCompPacket(packetIdentifier),
            _ => new MqttUnsubAckPacket(packetIdentifier),
        };
        return MqttProtocolError.None;
    }

    private static MqttProtocolError DecodeSubscribe(ref MqttSpanReader reader, out MqttPacket? packet)
    {
        packet = null;
        var error = ReadNonZeroIdentifier(ref reader, out var packetIdentifier);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        var filters = new List<MqttTopicFilter>();
        while (reader.Remaining > 0)
        {
            error = ReadTopicFilter(ref reader, out var filter);
            if (error != MqttProtocolError.None)
            {
                return error;
            }

            // §3.8.3.1: the upper six bits of the requested QoS byte are reserved and zero; QoS 3 is malformed.
            if (!reader.TryReadByte(out var requested))
            {
                return MqttProtocolError.MalformedPacket;
            }

            if (requested > 2)
            {
                return MqttProtocolError.InvalidQualityOfService;
            }

            filters.Add(new MqttTopicFilter(filter, (MqttQualityOfService)requested));
        }

        // §3.8.3: a SUBSCRIBE without a filter is a protocol violation.
        if (filters.Count == 0)
        {
            return MqttProtocolError.MalformedPacket;
        }

        packet = new MqttSubscribePacket(packetIdentifier, filters);
        return MqttProtocolError.None;
    }

    private static MqttProtocolError DecodeSubAck(ref MqttSpanReader reader, out MqttPacket? packet)
    {
        packet = null;
        var error = ReadNonZeroIdentifier(ref reader, out var packetIdentifier);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        var codes = new List<MqttSubscribeReturnCode>(reader.Remaining);
        while (reader.TryReadByte(out var code))
        {
            // §3.9.3: only 0x00, 0x01, 0x02 and 0x80 are allowed.
            if (code is > 2 and not 0x80)
            {
                return MqttProtocolError.MalformedPacket;
            }

            codes.Add((MqttSubscribeReturnCode)code);
        }

        if (codes.Count == 0)
        {
            return MqttProtocolError.MalformedPacket;
        }

        packet = new MqttSubAckPacket(packetIdentifier, codes);
        return MqttProtocolError.None;
    }

    private static MqttProtocolError DecodeUnsubscribe(ref MqttSpanReader reader, out MqttPacket? packet)
    {
        packet = null;
        var error = ReadNonZeroIdentifier(ref reader, out var packetIdentifier);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        error = ReadUnsubscribeFilters(ref reader, out var filters);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        packet = new MqttUnsubscribePacket(packetIdentifier, filters);
        return MqttProtocolError.None;
    }

    /// <summary>
    /// The start of a CONNECT variable header, alike in 3.1.1 and 5.0: §3.1.2.1 protocol name "MQTT", §3.1.2.2 protocol
    /// level (which must be <paramref name="version"/>), §3.1.2.3 connect flags, §3.1.2.10 keep alive.
    /// </summary>
    private static MqttProtocolError ReadConnectHeader(ref MqttSpanReader reader, MqttProtocolVersion version, out byte connectFlags, out ushort keepAlive)
    {
        connectFlags = 0;
        keepAlive = 0;
        var error = reader.TryReadString(out var protocolName);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        if (!reader.TryReadByte(out var level) || !reader.TryReadByte(out connectFlags) || !reader.TryReadUInt16(out keepAlive))
        {
            return MqttProtocolError.MalformedPacket;
        }

        return protocolName != "MQTT" || level != (byte)version ? MqttProtocolError.UnsupportedProtocolVersion : MqttProtocolError.None;
    }

    /// <summary>
    /// The end of a CONNECT payload, laid out alike in 3.1.1 (§3.1.3.2–§3.1.3.5) and 5.0 (§3.1.3.3–§3.1.3.6): the will
    /// topic and payload when the will flag is set, the user name, the password; nothing may follow.
    /// </summary>
    private static MqttProtocolError ReadConnectPayloadTail(ref MqttSpanReader reader, bool hasWill, bool hasUsername, bool hasPassword,
        out string? willTopic, out ReadOnlyMemory<byte> willPayload, out string? username, out ReadOnlyMemory<byte>? password)
    {
        willTopic = null;
        willPayload = default;
        username = null;
        password = null;
        if (hasWill)
        {
            var error = reader.TryReadString(out var topic);
            if (error != MqttProtocolError.None)
            {
                return error;
            }

            if (!MqttStrings.IsValidTopicName(topic))
            {
                return MqttProtocolError.InvalidTopicName;
            }

            if (!reader.TryReadBinary(out var willBytes))
            {
                return MqttProtocolError.MalformedPacket;
            }

            willTopic = topic;
            willPayload = willBytes.ToArray();
        }

        if (hasUsername)
        {
            var error = reader.TryReadString(out var name);
            if (error != MqttProtocolError.None)
            {
                return error;
            }

            username = name;
        }

        if (hasPassword)
        {
            if (!reader.TryReadBinary(out var passwordBytes))
            {
                return MqttProtocolError.MalformedPacket;
            }

            password = passwordBytes.ToArray();
        }

        return reader.Remaining == 0 ? MqttProtocolError.None : MqttProtocolError.MalformedPacket;
    }

    /// <summary>A topic filter (§4.7): a UTF-8 string with wildcards only where they may stand.</summary>
    private static MqttProtocolError ReadTopicFilter(ref MqttSpanReader reader, out string filter)
    {
        var error = reader.TryReadString(out filter);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        return MqttStrings.IsValidTopicFilter(filter) ? MqttProtocolError.None : MqttProtocolError.InvalidTopicFilter;
    }

    /// <summary>The payload of an UNSUBSCRIBE, alike in 3.1.1 and 5.0 (§3.10.3): one or more topic filters.</summary>
    private static MqttProtocolError ReadUnsubscribeFilters(ref MqttSpanReader reader, out List<string> filters)
    {
        filters = [];
        while (reader.Remaining > 0)
        {
            var error = ReadTopicFilter(ref reader, out var filter);
            if (error != MqttProtocolError.None)
            {
                return error;
            }

            filters.Add(filter);
        }

        return filters.Count == 0 ? MqttProtocolError.MalformedPacket : MqttProtocolError.None;
    }

    internal static MqttProtocolError ReadNonZeroIdentifier(ref MqttSpanReader reader, out ushort packetIdentifier)
    {
        if (!reader.TryReadUInt16(out packetIdentifier))
        {
            return MqttProtocolError.MalformedPacket;
        }

        return packetIdentifier == 0 ? MqttProtocolError.InvalidPacketIdentifier : MqttProtocolError.None;
    }
}
