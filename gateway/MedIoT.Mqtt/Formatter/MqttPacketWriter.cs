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
    public static void Write(MqttPacket packet, MqttProtocolVersion protocolVersion, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(output);
        if (protocolVersion != MqttProtocolVersion.V311)
        {
            throw new ArgumentOutOfRangeException(nameof(protocolVersion), protocolVersion, "Only MQTT 3.1.1 is implemented.");
        }

        var remainingLength = GetRemainingLength(packet);
        WriteFixedHeader(output, GetFirstByte(packet), remainingLength);
        switch (packet)
        {
            case MqttConnectPacket connect:
                WriteConnectBody(output, connect);
                break;
            case MqttConnAckPacket connAck:
                WriteByte(output, connAck.SessionPresent ? (byte)1 : (byte)0);
                WriteByte(output, (byte)connAck.ReturnCode);
                break;
            case MqttPublishPacket publish:
                WriteString(output, publish.Topic);
                if (publish.QualityOfService != MqttQualityOfService.AtMostOnce)
                {
                    WriteUInt16(output, publish.PacketIdentifier);
                }

                output.Write(publish.Payload.Span);
                break;
            case MqttIdentifiedPacket identified:
                WriteUInt16(output, identified.PacketIdentifier);
                break;
            case MqttSubscribePacket subscribe:
                WriteUInt16(output, subscribe.PacketIdentifier);
                foreach (var filter in subscribe.Filters)
                {
                    WriteString(output, filter.Filter);
                    WriteByte(output, (byte)filter.MaximumQualityOfService);
                }

                break;
            case MqttSubAckPacket subAck:
                WriteUInt16(output, subAck.PacketIdentifier);
                foreach (var code in subAck.ReturnCodes)
                {
                    WriteByte(output, (byte)code);
                }

                break;
            case MqttUnsubscribePacket unsubscribe:
                WriteUInt16(output, unsubscribe.PacketIdentifier);
                foreach (var filter in unsubscribe.Filters)
                {
                    WriteString(output, filter);
                }

                break;
            default:
                // PINGREQ, PINGRESP, DISCONNECT: the fixed header is the whole packet.
                break;
        }
    }

    /// <summary>The Remaining Length of <paramref name="packet"/> (§2.2.3): variable header plus payload.</summary>
    /// <exception cref="ArgumentException">A field is too long for MQTT or the packet exceeds 268,435,455 bytes.</exception>
    public static int GetRemainingLength(MqttPacket packet)
    {
        long length = packet switch
        {
            MqttConnectPacket connect => GetConnectBodyLength(connect),
            MqttConnAckPacket => 2,
            MqttPublishPacket publish => StringLength(publish.Topic)
                + (publish.QualityOfService == MqttQualityOfService.AtMostOnce ? 0 : 2)
                + (long)publish.Payload.Length,
            MqttIdentifiedPacket => 2,
            MqttSubscribePacket subscribe => 2 + subscribe.Filters.Sum(filter => StringLength(filter.Filter) + 1L),
            MqttSubAckPacket subAck => 2 + subAck.ReturnCodes.Count,
            MqttUnsubscribePacket unsubscribe => 2 + unsubscribe.Filters.Sum(filter => (long)StringLength(filter)),
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

    private static long GetConnectBodyLength(MqttConnectPacket connect)
    {
        // §3.1.2: protocol name (2 + 4), level (1), flags (1), keep alive (2).
        long length = 10 + StringLength(connect.ClientId);
        if (connect.WillTopic is not null)
        {
            length += StringLength(connect.WillTopic) + BinaryLength(connect.WillPayload.Length);
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

    private static void WriteConnectBody(IBufferWriter<byte> output, MqttConnectPacket connect)
    {
        WriteUInt16(output, (ushort)s_protocolName.Length);
        output.Write(s_protocolName);
        WriteByte(output, (byte)connect.ProtocolVersion);

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

        // §3.1.3: client identifier, will topic, will message, user name, password — in this order.
        WriteString(output, connect.ClientId);
        if (connect.WillTopic is not null)
        {
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
