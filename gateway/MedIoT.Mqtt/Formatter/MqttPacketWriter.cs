using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using MedIoT.Mqtt.Internal;
using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Formatter;

/// <summary>
/// Encodes packets into an <see cref="IBufferWriter{T}"/> (a <see cref="System.IO.Pipelines.PipeWriter"/> in the client).
/// The body size is computed before anything is written, so a packet that cannot be encoded throws
/// <see cref="ArgumentException"/> and leaves the output untouched.
/// </summary>
internal static class MqttPacketWriter
{
    private static readonly byte[] s_protocolName = "MQTT"u8.ToArray();

    /// <summary>Writes <paramref name="packet"/> as MQTT 3.1.1.</summary>
    public static void Write(MqttPacket packet, IBufferWriter<byte> output) =>
        Write(packet, MqttProtocolVersion.V311, output);

    /// <summary>Writes <paramref name="packet"/> in the layout of <paramref name="protocolVersion"/>.</summary>
    /// <exception cref="ArgumentException">The packet cannot be encoded (too long, or MQTT 5.0 content on a 3.1.1 connection); nothing was written.</exception>
    public static void Write(MqttPacket packet, MqttProtocolVersion protocolVersion, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(output);
        var version5 = protocolVersion == MqttProtocolVersion.V500;
        var remainingLength = GetRemainingLength(packet, protocolVersion);
        WriteFixedHeader(output, GetFirstByte(packet), remainingLength);
        switch (packet)
        {
            case MqttConnectPacket connect:
                WriteConnectBody(output, connect, version5);
                break;
            case MqttConnAckPacket connAck:
                WriteByte(output, connAck.SessionPresent ? (byte)1 : (byte)0);
                if (version5)
                {
                    // 5.0 §3.2.2.2 reason code, §3.2.2.3 properties.
                    WriteByte(output, (byte)connAck.ReasonCode);
                    MqttPropertyCodec.Write(output, connAck.Properties);
                }
                else
                {
                    WriteByte(output, (byte)connAck.ReturnCode);
                }

                break;
            case MqttPublishPacket publish:
                WriteString(output, publish.Topic);
                if (publish.QualityOfService != MqttQualityOfService.AtMostOnce)
                {
                    WriteUInt16(output, publish.PacketIdentifier);
                }

                if (version5)
                {
                    // 5.0 §3.3.2.3: properties after the packet identifier.
                    MqttPropertyCodec.Write(output, publish.Properties);
                }

                output.Write(publish.Payload.Span);
                break;
            case MqttUnsubAckPacket unsubAck:
                WriteUInt16(output, unsubAck.PacketIdentifier);
                if (version5)
                {
                    // 5.0 §3.11.2.1 properties, §3.11.3 one reason code per filter.
                    MqttPropertyCodec.Write(output, unsubAck.Properties);
                    foreach (var code in unsubAck.ReasonCodes)
                    {
                        WriteByte(output, (byte)code);
                    }
                }

                break;
            case MqttIdentifiedPacket identified:
                WriteUInt16(output, identified.PacketIdentifier);
                if (version5 && HasAcknowledgementBody(identified))
                {
                    // 5.0 §3.4.2.1: reason code and properties, omitted when success without properties.
                    WriteByte(output, (byte)identified.ReasonCode);
                    MqttPropertyCodec.Write(output, identified.Properties);
                }

                break;
            case MqttSubscribePacket subscribe:
                WriteUInt16(output, subscribe.PacketIdentifier);
                if (version5)
                {
                    MqttPropertyCodec.Write(output, subscribe.Properties);
                }

                foreach (var filter in subscribe.Filters)
                {
                    WriteString(output, filter.Filter);
                    WriteByte(output, SubscriptionOptions(filter, version5));
                }

                break;
            case MqttSubAckPacket subAck:
                WriteUInt16(output, subAck.PacketIdentifier);
                if (version5)
                {
                    MqttPropertyCodec.Write(output, subAck.Properties);
                }

                foreach (var code in subAck.ReturnCodes)
                {
                    WriteByte(output, (byte)code);
                }

                break;
            case MqttUnsubscribePacket unsubscribe:
                WriteUInt16(output, unsubscribe.PacketIdentifier);
                if (version5)
                {
                    MqttPropertyCodec.Write(output, unsubscribe.Properties);
                }

                foreach (var filter in unsubscribe.Filters)
                {
                    WriteString(output, filter);
                }

                break;
            case MqttDisconnectPacket disconnect when version5 && HasDisconnectBody(disconnect.ReasonCode, disconnect.Properties):
                // 5.0 §3.14.2: reason code and properties, omitted for a normal disconnection without properties.
                WriteByte(output, (byte)disconnect.ReasonCode);
                MqttPropertyCodec.Write(output, disconnect.Properties);
                break;
            case MqttAuthPacket auth when HasDisconnectBody(auth.ReasonCode, auth.Properties):
                WriteByte(output, (byte)auth.ReasonCode);
                MqttPropertyCodec.Write(output, auth.Properties);
                break;
            default:
                // PINGREQ, PINGRESP, a plain DISCONNECT or AUTH: the fixed header is the whole packet.
                break;
        }
    }

    /// <summary>The Remaining Length of <paramref name="packet"/> as MQTT 3.1.1 (§2.2.3).</summary>
    public static int GetRemainingLength(MqttPacket packet) => GetRemainingLength(packet, MqttProtocolVersion.V311);

    /// <summary>The Remaining Length of <paramref name="packet"/> (§2.2.3): variable header plus payload.</summary>
    /// <exception cref="ArgumentException">A field is too long for MQTT, the packet exceeds 268,435,455 bytes, or MQTT 5.0 content is sent over 3.1.1.</exception>
    public static int GetRemainingLength(MqttPacket packet, MqttProtocolVersion protocolVersion)
    {
        var version5 = protocolVersion == MqttProtocolVersion.V500;
        if (!version5)
        {
            RequireVersion311(packet);
        }

        long length = packet switch
        {
            MqttConnectPacket connect => GetConnectBodyLength(connect, version5),
            MqttConnAckPacket connAck => version5 ? 2 + MqttPropertyCodec.GetBlockLength(connAck.Properties) : 2,
            MqttPublishPacket publish => StringLength(publish.Topic)
                + (publish.QualityOfService == MqttQualityOfService.AtMostOnce ? 0 : 2)
                + (version5 ? MqttPropertyCodec.GetBlockLength(publish.Properties) : 0)
                + (long)publish.Payload.Length,
            MqttUnsubAckPacket unsubAck => version5 ? 2 + MqttPropertyCodec.GetBlockLength(unsubAck.Properties) + unsubAck.ReasonCodes.Count : 2,
            MqttIdentifiedPacket identified => version5 && HasAcknowledgementBody(identified) ? 3 + MqttPropertyCodec.GetBlockLength(identified.Properties) : 2,
            MqttSubscribePacket subscribe => 2 + (version5 ? MqttPropertyCodec.GetBlockLength(subscribe.Properties) : 0)
                + subscribe.Filters.Sum(filter => StringLength(filter.Filter) + 1L),
            MqttSubAckPacket subAck => 2 + (version5 ? MqttPropertyCodec.GetBlockLength(subAck.Properties) : 0) + subAck.ReturnCodes.Count,
            MqttUnsubscribePacket unsubscribe => 2 + (version5 ? MqttPropertyCodec.GetBlockLength(unsubscribe.Properties) : 0)
                + unsubscribe.Filters.Sum(filter => (long)StringLength(filter)),
            MqttDisconnectPacket disconnect when version5 && HasDisconnectBody(disconnect.ReasonCode, disconnect.Properties) =>
                1 + MqttPropertyCodec.GetBlockLength(disconnect.Properties),
            MqttAuthPacket auth when HasDisconnectBody(auth.ReasonCode, auth.Properties) => 1 + MqttPropertyCodec.GetBlockLength(auth.Properties),
            _ => 0,
        };
        if (length > MqttFixedHeader.MaximumRemainingLength)
        {
            throw new ArgumentException(
                $"The {packet.Type} packet would be {length} bytes long; MQTT allows at most {MqttFixedHeader.MaximumRemainingLength} (§2.2.3). Send a smaller payload.",
                nameof(packet));
        }

        return (int)length;
    }

    /// <summary>The whole size of <paramref name="packet"/> on the wire: fixed header plus Remaining Length (5.0 §3.1.2.11.4 counts it so).</summary>
    public static int GetPacketSize(MqttPacket packet, MqttProtocolVersion protocolVersion)
    {
        var remainingLength = GetRemainingLength(packet, protocolVersion);
        return 1 + MqttFixedHeader.GetRemainingLengthSize(remainingLength) + remainingLength;
    }

    private static bool HasAcknowledgementBody(MqttIdentifiedPacket packet) =>
        packet.ReasonCode != MqttReasonCode.Success || MqttPropertyCodec.GetContentLength(packet.Properties) > 0;

    private static bool HasDisconnectBody(MqttReasonCode reasonCode, MqttProperties properties) =>
        reasonCode != MqttReasonCode.Success || MqttPropertyCodec.GetContentLength(properties) > 0;

    /// <summary>§3.8.3.1 (5.0): QoS in bits 1–0, No Local bit 2, Retain As Published bit 3, Retain Handling bits 5–4. 3.1.1 carries only the QoS.</summary>
    private static byte SubscriptionOptions(MqttTopicFilter filter, bool version5)
    {
        var options = (int)filter.MaximumQualityOfService;
        if (version5)
        {
            options |= (filter.NoLocal ? 0x04 : 0) | (filter.RetainAsPublished ? 0x08 : 0) | ((int)filter.RetainHandling << 4);
        }

        return (byte)options;
    }

    /// <summary>MQTT 3.1.1 has no properties, reason codes, subscription options or AUTH: refuse rather than silently drop them.</summary>
    private static void RequireVersion311(MqttPacket packet)
    {
        var version5Only = packet switch
        {
            MqttPublishPacket publish => MqttPropertyCodec.GetContentLength(publish.Properties) > 0,
            MqttSubscribePacket subscribe => subscribe.Filters.Any(filter => filter.HasVersion5Options) || MqttPropertyCodec.GetContentLength(subscribe.Properties) > 0,
            MqttUnsubscribePacket unsubscribe => MqttPropertyCodec.GetContentLength(unsubscribe.Properties) > 0,
            MqttUnsubAckPacket => false,
            MqttIdentifiedPacket identified => HasAcknowledgementBody(identified),
            MqttDisconnectPacket disconnect => HasDisconnectBody(disconnect.ReasonCode, disconnect.Properties),
            MqttAuthPacket => true,
            MqttConnectPacket connect => MqttPropertyCodec.GetContentLength(connect.Properties) > 0 || MqttPropertyCodec.GetContentLength(connect.WillProperties) > 0,
            _ => false,
        };
        if (version5Only)
        {
            throw new ArgumentException(
                $"The {packet.Type} packet carries MQTT 5.0 properties, reason codes or subscription options, which MQTT 3.1.1 cannot send. Set MqttClientOptions.ProtocolVersion to V500.",
                nameof(packet));
        }
    }

    private static byte GetFirstByte(MqttPacket packet)
    {
        var flags = packet switch
        {
            // §3.3.1: DUP in bit 3, QoS in bits 2–1, RETAIN in bit 0.
            MqttPublishPacket publish => (publish.Duplicate ? 0x08 : 0)
                | ((byte)publish.QualityOfService << 1)
                | (publish.Retain ? 0x01 : 0),

            // §2.2.2: PUBREL, SUBSCRIBE and UNSUBSCRIBE have the fixed flags 0b0010.
            MqttPubRelPacket or MqttSubscribePacket or MqttUnsubscribePacket => 0b0010,
            _ => 0,
        };
        return (byte)(((byte)packet.Type << 4) | flags);
    }

    private static long GetConnectBodyLength(MqttConnectPacket connect, bool version5)
    {
        // §3.1.2: protocol name (2 + 4), level (1), flags (1), keep alive (2); 5.0 §3.1.2.11 properties.
        long length = 10 + StringLength(connect.ClientId);
        if (version5)
        {
            length += MqttPropertyCodec.GetBlockLength(connect.Properties);
        }

        if (connect.WillTopic is not null)
        {
            length += StringLength(connect.WillTopic) + BinaryLength(connect.WillPayload.Length);
            if (version5)
            {
                length += MqttPropertyCodec.GetBlockLength(connect.WillProperties);
            }
        }

        if (connect.Username is not null)
        {
            length += StringLength(connect.Username);
        }

        if (connect.Password is { } password)
        {
            length += BinaryLength(password.Length);
        }

        return length;
    }

    private static void WriteConnectBody(IBufferWriter<byte> output, MqttConnectPacket connect, bool version5)
    {
        WriteUInt16(output, (ushort)s_protocolName.Length);
        output.Write(s_protocolName);
        WriteByte(output, version5 ? (byte)MqttProtocolVersion.V500 : (byte)MqttProtocolVersion.V311);

        // §3.1.2.3, figure 3.4.
        var flags = 0;
        if (connect.Username is not null)
        {
            flags |= 0x80;
        }

        if (connect.Password is not null)
        {
            flags |= 0x40;
        }

        if (connect.WillTopic is not null)
        {
            flags |= 0x04 | ((byte)connect.WillQualityOfService << 3) | (connect.WillRetain ? 0x20 : 0);
        }

        if (connect.CleanSession)
        {
            flags |= 0x02;
        }

        WriteByte(output, (byte)flags);
        WriteUInt16(output, connect.KeepAliveSeconds);
        if (version5)
        {
            MqttPropertyCodec.Write(output, connect.Properties);
        }

        // §3.1.3: client identifier, (5.0: will properties,) will topic, will message, user name, password — in this order.
        WriteString(output, connect.ClientId);
        if (connect.WillTopic is not null)
        {
            if (version5)
            {
                MqttPropertyCodec.Write(output, connect.WillProperties);
            }

            WriteString(output, connect.WillTopic);
            WriteBinary(output, connect.WillPayload.Span);
        }

        if (connect.Username is not null)
        {
            WriteString(output, connect.Username);
        }

        if (connect.Password is { } password)
        {
            WriteBinary(output, password.Span);
        }
    }

    private static void WriteFixedHeader(IBufferWriter<byte> output, byte firstByte, int remainingLength)
    {
        var span = output.GetSpan(1 + MqttFixedHeader.MaximumRemainingLengthBytes);
        span[0] = firstByte;
        var index = 1;
        do
        {
            var encoded = (byte)(remainingLength % 128);
            remainingLength /= 128;
            if (remainingLength > 0)
            {
                encoded |= 0x80;
            }

            span[index++] = encoded;
        }
        while (remainingLength > 0);
        output.Advance(index);
    }

    private static int StringLength(string value)
    {
        if (!MqttStrings.TryGetUtf8Length(value, out var length) || length > MqttStrings.MaximumEncodedLength)
        {
            throw new ArgumentException(
                $"A string of {value.Length} characters cannot be encoded as an MQTT string (§1.5.3: well-formed UTF-8, no U+0000, at most 65535 bytes).",
                nameof(value));
        }

        return 2 + length;
    }

    private static int BinaryLength(int length)
    {
        if (length > MqttStrings.MaximumEncodedLength)
        {
            throw new ArgumentException(
                $"A binary field of {length} bytes exceeds the 65535 bytes its two-byte length prefix allows (§3.1.3.3, §3.1.3.5).",
                nameof(length));
        }

        return 2 + length;
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteUInt16(IBufferWriter<byte> output, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), value);
        output.Advance(2);
    }

    private static void WriteString(IBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteUInt16(output, (ushort)length);
        var span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        output.Advance(length);
    }

    private static void WriteBinary(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        WriteUInt16(output, (ushort)value.Length);
        output.Write(value);
    }
}
