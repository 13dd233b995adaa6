using MedIoT.Mqtt.Internal;
using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Formatter;

/// <summary>The MQTT 5.0 packet layouts (OASIS MQTT Version 5.0, chapter 3): properties and reason codes added to most packets.</summary>
internal static partial class MqttPacketReader
{
    // §2.4, table 2-6: the reason codes each packet may carry.
    private static readonly byte[] s_connAckCodes = [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F];
    private static readonly byte[] s_publishAckCodes = [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
    private static readonly byte[] s_releaseCodes = [0x00, 0x92];
    private static readonly byte[] s_subAckCodes = [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2];
    private static readonly byte[] s_unsubAckCodes = [0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];
    private static readonly byte[] s_disconnectCodes =
    [
        0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99,
        0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
    ];

    private static readonly byte[] s_authCodes = [0x00, 0x18, 0x19];

    private static MqttProtocolError Decode5(MqttPacketType type, byte flags, ReadOnlySpan<byte> body, MqttTopicCache? topics, out MqttPacket? packet)
    {
        packet = null;
        var reader = new MqttSpanReader(body);
        switch (type)
        {
            case MqttPacketType.Connect:
                return DecodeConnect5(ref reader, out packet);
            case MqttPacketType.ConnAck:
                return DecodeConnAck5(ref reader, out packet);
            case MqttPacketType.Publish:
                return DecodePublish5(ref reader, flags, topics, out packet);
            case MqttPacketType.PubAck:
            case MqttPacketType.PubRec:
            case MqttPacketType.PubRel:
            case MqttPacketType.PubComp:
                return DecodePublishAcknowledgement5(ref reader, type, out packet);
            case MqttPacketType.Subscribe:
                return DecodeSubscribe5(ref reader, out packet);
            case MqttPacketType.SubAck:
            case MqttPacketType.UnsubAck:
                return DecodeSubscribeAcknowledgement5(ref reader, type, out packet);
            case MqttPacketType.Unsubscribe:
                return DecodeUnsubscribe5(ref reader, out packet);
            case MqttPacketType.PingReq:
            case MqttPacketType.PingResp:
                // §3.12, §3.13: no variable header, no payload.
                if (reader.Remaining != 0)
                {
                    return MqttProtocolError.MalformedPacket;
                }

                packet = type == MqttPacketType.PingReq ? MqttPingReqPacket.Instance : MqttPingRespPacket.Instance;
                return MqttProtocolError.None;
            case MqttPacketType.Disconnect:
            case MqttPacketType.Auth:
                return DecodeDisconnectOrAuth5(ref reader, type, out packet);
            default:
                return MqttProtocolError.UnknownPacketType;
        }
    }

    private static MqttProtocolError DecodeConnect5(ref MqttSpanReader reader, out MqttPacket? packet)
    {
        packet = null;

        var error = ReadConnectHeader(ref reader, MqttProtocolVersion.V500, out var connectFlags, out var keepAlive);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        // §3.1.2.3: the reserved bit 0 is zero. §3.1.2.5–§3.1.2.7: without a will, its QoS and retain are zero.
        var hasUsername = (connectFlags & 0x80) != 0;
        var hasPassword = (connectFlags & 0x40) != 0;
        var willRetain = (connectFlags & 0x20) != 0;
        var willQualityOfService = (connectFlags >> 3) & 0x03;
        var hasWill = (connectFlags & 0x04) != 0;
        if ((connectFlags & 0x01) != 0 || (!hasWill && (willRetain || willQualityOfService != 0)))
        {
            return MqttProtocolError.MalformedPacket;
        }

        if (willQualityOfService == 3)
        {
            return MqttProtocolError.InvalidQualityOfService;
        }

        error = MqttPropertyCodec.TryRead(ref reader, MqttPropertyCodec.Context(MqttPacketType.Connect), out var properties);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        // §3.1.3.1: a zero-length client identifier asks the server to assign one.
        error = reader.TryReadString(out var clientId);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        // §3.1.3.2: the will properties come before the will topic.
        MqttProperties? willProperties = null;
        if (hasWill)
        {
            error = MqttPropertyCodec.TryRead(ref reader, MqttPropertyCodec.WillContext, out willProperties);
            if (error != MqttProtocolError.None)
            {
                return error;
            }
        }

        // §3.1.2.9: in 5.0 a password without a user name is allowed.
        error = ReadConnectPayloadTail(ref reader, hasWill, hasUsername, hasPassword, out var willTopic, out var willPayload, out var username, out var password);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        packet = new MqttConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            ClientId = clientId,
            CleanSession = (connectFlags & 0x02) != 0,
            KeepAliveSeconds = keepAlive,
            Username = username,
            Password = password,
            WillTopic = willTopic,
            WillPayload = willPayload,
            WillQualityOfService = (MqttQualityOfService)willQualityOfService,
            WillRetain = willRetain,
            Properties = properties,
            WillProperties = willProperties,
        };
        return MqttProtocolError.None;
    }

    private static MqttProtocolError DecodeConnAck5(ref MqttSpanReader reader, out MqttPacket? packet)
    {
        packet = null;

        // §3.2.2.1 acknowledge flags (bits 7–1 reserved), §3.2.2.2 reason code, §3.2.2.3 properties.
        if (!reader.TryReadByte(out var acknowledgeFlags) || !reader.TryReadByte(out var reasonCode))
        {
            return MqttProtocolError.MalformedPacket;
        }

        if ((acknowledgeFlags & 0xFE) != 0)
        {
            return MqttProtocolError.MalformedPacket;
        }

        if (Array.IndexOf(s_connAckCodes, reasonCode) < 0)
        {
            return MqttProtocolError.InvalidReasonCode;
        }

        // §3.2.2.1.1: a refusal carries Session Present 0.
        var sessionPresent = (acknowledgeFlags & 0x01) != 0;
        if (sessionPresent && reasonCode >= 0x80)
        {
            return MqttProtocolError.MalformedPacket;
        }

        var error = MqttPropertyCodec.TryRead(ref reader, MqttPropertyCodec.Context(MqttPacketType.ConnAck), out var properties);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        if (reader.Remaining != 0)
        {
            return MqttProtocolError.MalformedPacket;
        }

        packet = new MqttConnAckPacket(sessionPresent, (MqttReasonCode)reasonCode, properties);
        return MqttProtocolError.None;
    }

    private static MqttProtocolError DecodePublish5(ref MqttSpanReader reader, byte flags, MqttTopicCache? topics, out MqttPacket? packet)
    {
        packet = null;
        var duplicate = (flags & 0x08) != 0;
        var qualityOfService = (flags >> 1) & 0x03;
        if (qualityOfService == 3)
        {
            return MqttProtocolError.InvalidQualityOfService;
        }

        if (duplicate && qualityOfService == 0)
        {
            return MqttProtocolError.InvalidFlags;
        }

        // §3.3.2.1 topic name: may be empty only when a Topic Alias stands for it (§3.3.2.3.4).
        var topicStart = reader;
        var error = reader.TryReadTopic(topics, out var topic, out var cached);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        if (!cached && topic.Length > 0)
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
            error = ReadNonZeroIdentifier(ref reader, out packetIdentifier);
            if (error != MqttProtocolError.None)
            {
                return error;
            }
        }

        error = MqttPropertyCodec.TryRead(ref reader, MqttPropertyCodec.Context(MqttPacketType.Publish), out var properties);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        if (topic.Length == 0 && properties.TopicAlias is null)
        {
            return MqttProtocolError.InvalidTopicName;
        }

        packet = new MqttPublishPacket
        {
            Topic = topic,
            Payload = reader.ReadRest().ToArray(),
            QualityOfService = (MqttQualityOfService)qualityOfService,
            Retain = (flags & 0x01) != 0,
            Duplicate = duplicate,
            PacketIdentifier = packetIdentifier,
            Properties = ReferenceEquals(properties, MqttProperties.Empty) ? null : properties,
        };
        return MqttProtocolError.None;
    }

    private static MqttProtocolError DecodePublishAcknowledgement5(ref MqttSpanReader reader, MqttPacketType type, out MqttPacket? packet)
    {
        packet = null;
        var error = ReadNonZeroIdentifier(ref reader, out var packetIdentifier);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        // §3.4.2.1: with a Remaining Length of 2 the reason code is 0x00 and there are no properties;
        // §3.4.2.2.1: with a reason code only (Remaining Length 3) there are no properties.
        byte reasonCode = 0;
        var properties = MqttProperties.Empty;
        if (reader.Remaining > 0)
        {
            reader.TryReadByte(out reasonCode);
            var allowed = type is MqttPacketType.PubAck or MqttPacketType.PubRec ? s_publishAckCodes : s_releaseCodes;
            if (Array.IndexOf(allowed, reasonCode) < 0)
            {
                return MqttProtocolError.InvalidReasonCode;
            }

            if (reader.Remaining > 0)
            {
                error = MqttPropertyCodec.TryRead(ref reader, MqttPropertyCodec.Context(type), out properties);
                if (error != MqttProtocolError.None)
                {
                    return error;
                }
            }
        }

        if (reader.Remaining != 0)
        {
            return MqttProtocolError.MalformedPacket;
        }

        var code = (MqttReasonCode)reasonCode;
        var props = ReferenceEquals(properties, MqttProperties.Empty) ? null : properties;
        packet = type switch
        {
            MqttPacketType.PubAck => new MqttPubAckPacket(packetIdentifier) { ReasonCode = code, Properties = props },
            MqttPacketType.PubRec => new MqttPubRecPacket(packetIdentifier) { ReasonCode = code, Properties = props },
            MqttPacketType.PubRel => new MqttPubRelPacket(packetIdentifier) { ReasonCode = code, Properties = props },
            _ => new MqttPubCompPacket(packetIdentifier) { ReasonCode = code, Properties = props },
        };
        return MqttProtocolError.None;
    }

    private static MqttProtocolError DecodeSubscribe5(ref MqttSpanReader reader, out MqttPacket? packet)
    {
        packet = null;
        var error = ReadIdentifierAndProperties(ref reader, MqttPacketType.Subscribe, out var packetIdentifier, out var properties);
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

            // §3.8.3.1 subscription options: QoS in bits 1–0, No Local bit 2, Retain As Published bit 3,
            // Retain Handling bits 5–4 (3 is a protocol error), bits 7–6 reserved and zero.
            if (!reader.TryReadByte(out var options))
            {
                return MqttProtocolError.MalformedPacket;
            }

            if ((options & 0x03) == 3)
            {
                return MqttProtocolError.InvalidQualityOfService;
            }

            var noLocal = (options & 0x04) != 0;
            if ((options & 0xC0) != 0 || ((options >> 4) & 0x03) == 3 || (noLocal && filter.StartsWith("$share/", StringComparison.Ordinal)))
            {
                return MqttProtocolError.MalformedPacket;
            }

            filters.Add(new MqttTopicFilter(filter, (MqttQualityOfService)(options & 0x03))
            {
                NoLocal = noLocal,
                RetainAsPublished = (options & 0x08) != 0,
                RetainHandling = (MqttRetainHandling)((options >> 4) & 0x03),
            });
        }

        // §3.8.3: at least one filter.
        if (filters.Count == 0)
        {
            return MqttProtocolError.MalformedPacket;
        }

        packet = new MqttSubscribePacket(packetIdentifier, filters)
        {
            Properties = properties,
        };
        return MqttProtocolError.None;
    }

    private static MqttProtocolError DecodeSubscribeAcknowledgement5(ref MqttSpanReader reader, MqttPacketType type, out MqttPacket? packet)
    {
        packet = null;

        // §3.9.2, §3.11.2: packet identifier and properties; §3.9.3, §3.11.3: one reason code per filter.
        var error = ReadIdentifierAndProperties(ref reader, type, out var packetIdentifier, out var properties);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        var allowed = type == MqttPacketType.SubAck ? s_subAckCodes : s_unsubAckCodes;
        var codes = new List<byte>(reader.Remaining);
        while (reader.TryReadByte(out var code))
        {
            if (Array.IndexOf(allowed, code) < 0)
            {
                return MqttProtocolError.InvalidReasonCode;
            }

            codes.Add(code);
        }

        if (codes.Count == 0)
        {
            return MqttProtocolError.MalformedPacket;
        }

        packet = type == MqttPacketType.SubAck
            ? new MqttSubAckPacket(packetIdentifier, [.. codes.Select(code => (MqttSubscribeReturnCode)code)]) { Properties = properties }
            : new MqttUnsubAckPacket(packetIdentifier) { ReasonCodes = [.. codes.Select(code => (MqttReasonCode)code)], Properties = properties };
        return MqttProtocolError.None;
    }

    private static MqttProtocolError DecodeUnsubscribe5(ref MqttSpanReader reader, out MqttPacket? packet)
    {
        packet = null;
        var error = ReadIdentifierAndProperties(ref reader, MqttPacketType.Unsubscribe, out var packetIdentifier, out var properties);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        error = ReadUnsubscribeFilters(ref reader, out var filters);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        packet = new MqttUnsubscribePacket(packetIdentifier, filters)
        {
            Properties = properties,
        };
        return MqttProtocolError.None;
    }

    /// <summary>
    /// The variable header of SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK (§3.8.2, §3.9.2, §3.10.2, §3.11.2): a non-zero
    /// packet identifier, then the properties allowed for <paramref name="type"/>; none read gives null.
    /// </summary>
    private static MqttProtocolError ReadIdentifierAndProperties(ref MqttSpanReader reader, MqttPacketType type, out ushort packetIdentifier,
        out MqttProperties? properties)
    {
        properties = null;
        var error = ReadNonZeroIdentifier(ref reader, out packetIdentifier);
        if (error != MqttProtocolError.None)
        {
            return error;
        }

        error = MqttPropertyCodec.TryRead(ref reader, MqttPropertyCodec.Context(type), out var read);
        properties = ReferenceEquals(read, MqttProperties.Empty) ? null : read;
        return error;
    }

    private static MqttProtocolError DecodeDisconnectOrAuth5(ref MqttSpanReader reader, MqttPacketType type, out MqttPacket? packet)
    {
        packet = null;

        // §3.14.2.1, §3.15.2.1: with a Remaining Length of 0 the reason code is 0x00 and there are no properties;
        // §3.14.2.2.1: with a Remaining Length of 1 there are no properties.
        byte reasonCode = 0;
        var properties = MqttProperties.Empty;
        if (reader.TryReadByte(out reasonCode))
        {
            var allowed = type == MqttPacketType.Disconnect ? s_disconnectCodes : s_authCodes;
            if (Array.IndexOf(allowed, reasonCode) < 0)
            {
                return MqttProtocolError.InvalidReasonCode;
            }

            if (reader.Remaining > 0)
            {
                var error = MqttPropertyCodec.TryRead(ref reader, MqttPropertyCodec.Context(type), out properties);
                if (error != MqttProtocolError.None)
                {
                    return error;
                }
            }
        }

        if (reader.Remaining != 0)
        {
            return MqttProtocolError.MalformedPacket;
        }

        packet = type == MqttPacketType.Disconnect
            ? new MqttDisconnectPacket((MqttReasonCode)reasonCode, properties)
            : new MqttAuthPacket((MqttReasonCode)reasonCode, properties);
        return MqttProtocolError.None;
    }
}
