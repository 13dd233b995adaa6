using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using MedIoT.Mqtt.Internal;
using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Formatter;

/// <summary>
/// Reads and writes the property block of MQTT 5.0 packets (OASIS MQTT Version 5.0 §2.2.2): a Variable Byte
/// Integer length, then identifier/value pairs. Reading is strict: an unknown identifier, a property the packet
/// type must not carry (table 2-4), a repeated property that must appear once, a value outside its range, or a
/// length that does not match the block is a protocol error, never an exception.
/// </summary>
internal static class MqttPropertyCodec
{
    /// <summary>The will properties of CONNECT (§3.1.3.2) are checked as their own context; bit 0 is free because packet type 0 is reserved.</summary>
    public const int WillContext = 1;

    /// <summary>The largest Variable Byte Integer (§1.5.5).</summary>
    public const int MaximumVariableByteInteger = 268_435_455;

    private const byte PayloadFormatIndicator = 0x01;
    private const byte MessageExpiryInterval = 0x02;
    private const byte ContentType = 0x03;
    private const byte ResponseTopic = 0x08;
    private const byte CorrelationData = 0x09;
    private const byte SubscriptionIdentifier = 0x0B;
    private const byte SessionExpiryInterval = 0x11;
    private const byte AssignedClientIdentifier = 0x12;
    private const byte ServerKeepAlive = 0x13;
    private const byte AuthenticationMethod = 0x15;
    private const byte AuthenticationData = 0x16;
    private const byte RequestProblemInformation = 0x17;
    private const byte WillDelayInterval = 0x18;
    private const byte RequestResponseInformation = 0x19;
    private const byte ResponseInformation = 0x1A;
    private const byte ServerReference = 0x1C;
    private const byte ReasonString = 0x1F;
    private const byte ReceiveMaximum = 0x21;
    private const byte TopicAliasMaximum = 0x22;
    private const byte TopicAlias = 0x23;
    private const byte MaximumQualityOfService = 0x24;
    private const byte RetainAvailable = 0x25;
    private const byte UserProperty = 0x26;
    private const byte MaximumPacketSize = 0x27;
    private const byte WildcardSubscriptionAvailable = 0x28;
    private const byte SubscriptionIdentifiersAvailable = 0x29;
    private const byte SharedSubscriptionAvailable = 0x2A;

    /// <summary>The context bit of a packet type.</summary>
    public static int Context(MqttPacketType type) => 1 << (int)type;

    /// <summary>
    /// Reads a property block for a packet of <paramref name="context"/> (<see cref="Context"/> or
    /// <see cref="WillContext"/>) and advances <paramref name="reader"/> past it.
    /// </summary>
    public static MqttProtocolError TryRead(ref MqttSpanReader reader, int context, out MqttProperties properties)
    {
        properties = MqttProperties.Empty;
        if (!reader.TryReadVariableByteInteger(out var length) || !reader.TrySlice(length, out var block))
        {
            return MqttProtocolError.MalformedProperty;
        }

        if (length == 0)
        {
            return MqttProtocolError.None;
        }

        byte? payloadFormat = null, requestProblem = null, requestResponse = null, maximumQos = null, retainAvailable = null;
        byte? wildcardAvailable = null, subscriptionIdsAvailable = null, sharedAvailable = null;
        uint? messageExpiry = null, sessionExpiry = null, willDelay = null, maximumPacketSize = null;
        ushort? serverKeepAlive = null, receiveMaximum = null, topicAliasMaximum = null, topicAlias = null;
        string? contentType = null, responseTopic = null, assignedClientId = null, authenticationMethod = null;
        string? responseInformation = null, serverReference = null, reasonString = null;
        ReadOnlyMemory<byte>? correlationData = null, authenticationData = null;
        List<int>? subscriptionIds = null;
        List<MqttUserProperty>? userProperties = null;
        var seen = new ulong[1];

        while (block.Remaining > 0)
        {
            // §2.2.2.2: the identifier is a Variable Byte Integer; every defined one fits in one byte.
            if (!block.TryReadVariableByteInteger(out var identifier))
            {
                return MqttProtocolError.MalformedProperty;
            }

            if (identifier is <= 0 or > SharedSubscriptionAvailable || AllowedContexts((byte)identifier) is not { } allowed)
            {
                return MqttProtocolError.MalformedProperty;
            }

            if ((allowed & context) == 0)
            {
                return MqttProtocolError.PropertyNotAllowed;
            }

            // Only User Property, and Subscription Identifier in a PUBLISH, may repeat (§2.2.2.2, §3.3.2.3.8).
            var repeatable = identifier == UserProperty
                || (identifier == SubscriptionIdentifier && context == Context(MqttPacketType.Publish));
            var bit = 1UL << identifier;
            if (!repeatable && (seen[0] & bit) != 0)
            {
                return MqttProtocolError.DuplicateProperty;
            }

            seen[0] |= bit;
            var error = MqttProtocolError.None;
            switch ((byte)identifier)
            {
                case PayloadFormatIndicator:
                    error = ReadFlag(ref block, out payloadFormat);
                    break;
                case RequestProblemInformation:
                    error = ReadFlag(ref block, out requestProblem);
                    break;
                case RequestResponseInformation:
                    error = ReadFlag(ref block, out requestResponse);
                    break;
                case MaximumQualityOfService:
                    error = ReadFlag(ref block, out maximumQos);
                    break;
                case RetainAvailable:
                    error = ReadFlag(ref block, out retainAvailable);
                    break;
                case WildcardSubscriptionAvailable:
                    error = ReadFlag(ref block, out wildcardAvailable);
                    break;
                case SubscriptionIdentifiersAvailable:
                    error = ReadFlag(ref block, out subscriptionIdsAvailable);
                    break;
                case SharedSubscriptionAvailable:
                    error = ReadFlag(ref block, out sharedAvailable);
                    break;
                case MessageExpiryInterval:
                    error = ReadUInt32(ref block, allowZero: true, out messageExpiry);
                    break;
                case SessionExpiryInterval:
                    error = ReadUInt32(ref block, allowZero: true, out sessionExpiry);
                    break;
                case WillDelayInterval:
                    error = ReadUInt32(ref block, allowZero: true, out willDelay);
                    break;
                case MaximumPacketSize:
                    // §3.2.2.3.6: zero is a protocol error.
                    error = ReadUInt32(ref block, allowZero: false, out maximumPacketSize);
                    break;
                case ServerKeepAlive:
                    error = ReadUInt16(ref block, allowZero: true, out serverKeepAlive);
                    break;
                case TopicAliasMaximum:
                    error = ReadUInt16(ref block, allowZero: true, out topicAliasMaximum);
                    break;
                case ReceiveMaximum:
                    // §3.1.2.11.3, §3.2.2.3.3: zero is a protocol error.
                    error = ReadUInt16(ref block, allowZero: false, out receiveMaximum);
                    break;
                case TopicAlias:
                    // §3.3.2.3.4: zero is a protocol error.
                    error = ReadUInt16(ref block, allowZero: false, out topicAlias);
                    break;
                case ContentType:
                    error = ReadString(ref block, out contentType);
                    break;
                case ResponseTopic:
                    error = ReadString(ref block, out responseTopic);
                    if (error == MqttProtocolError.None && !MqttStrings.IsValidTopicName(responseTopic))
                    {
                        // §3.3.2.3.5: a Topic Name, so no wildcards.
                        error = MqttProtocolError.MalformedProperty;
                    }

                    break;
                case AssignedClientIdentifier:
                    error = ReadString(ref block, out assignedClientId);
                    break;
                case AuthenticationMethod:
                    error = ReadString(ref block, out authenticationMethod);
                    break;
                case ResponseInformation:
                    error = ReadString(ref block, out responseInformation);
                    break;
                case ServerReference:
                    error = ReadString(ref block, out serverReference);
                    break;
                case ReasonString:
                    error = ReadString(ref block, out reasonString);
                    break;
                case CorrelationData:
                    error = ReadBinary(ref block, out correlationData);
                    break;
                case AuthenticationData:
                    error = ReadBinary(ref block, out authenticationData);
                    break;
                case SubscriptionIdentifier:
                    // §3.3.2.3.8: 1 to 268,435,455; zero is a protocol error.
                    if (!block.TryReadVariableByteInteger(out var subscriptionId) || subscriptionId == 0)
                    {
                        return MqttProtocolError.MalformedProperty;
                    }

                    (subscriptionIds ??= []).Add(subscriptionId);
                    break;
                case UserProperty:
                    error = ReadString(ref block, out var name);
                    if (error == MqttProtocolError.None)
                    {
                        error = ReadString(ref block, out var value);
                        if (error == MqttProtocolError.None)
                        {
                            (userProperties ??= []).Add(new MqttUserProperty(name!, value!));
                        }
                    }

                    break;
                default:
                    return MqttProtocolError.MalformedProperty;
            }

            if (error != MqttProtocolError.None)
            {
                return error;
            }
        }

        properties = new MqttProperties
        {
            PayloadFormatIndicator = payloadFormat,
            MessageExpiryInterval = messageExpiry,
            ContentType = contentType,
            ResponseTopic = responseTopic,
            CorrelationData = correlationData,
            SubscriptionIdentifiers = subscriptionIds,
            SessionExpiryInterval = sessionExpiry,
            AssignedClientIdentifier = assignedClientId,
            ServerKeepAlive = serverKeepAlive,
            AuthenticationMethod = authenticationMethod,
            AuthenticationData = authenticationData,
            RequestProblemInformation = requestProblem,
            WillDelayInterval = willDelay,
            RequestResponseInformation = requestResponse,
            ResponseInformation = responseInformation,
            ServerReference = serverReference,
            ReasonString = reasonString,
            ReceiveMaximum = receiveMaximum,
            TopicAliasMaximum = topicAliasMaximum,
            TopicAlias = topicAlias,
            MaximumQualityOfService = maximumQos,
            RetainAvailable = retainAvailable,
            UserProperties = userProperties,
            MaximumPacketSize = maximumPacketSize,
            WildcardSubscriptionAvailable = wildcardAvailable,
            SubscriptionIdentifiersAvailable = subscriptionIdsAvailable,
            SharedSubscriptionAvailable = sharedAvailable,
        };
        return MqttProtocolError.None;
    }

    /// <summary>The bytes of the property block of <paramref name="properties"/> without its length prefix.</summary>
    /// <exception cref="ArgumentException">A string or binary value is too long, or a value is out of range.</exception>
    public static int GetContentLength(MqttProperties? properties)
    {
        if (properties is null || ReferenceEquals(properties, MqttProperties.Empty))
        {
            return 0;
        }

        long length = 0;
        length += Fixed(properties.PayloadFormatIndicator, 1);
        length += Fixed(properties.MessageExpiryInterval, 4);
        length += Text(properties.ContentType);
        length += Text(properties.ResponseTopic);
        length += Binary(properties.CorrelationData);
        foreach (var identifier in properties.SubscriptionIdentifiers ?? [])
        {
            length += 1 + GetVariableByteIntegerSize(identifier);
        }

        length += Fixed(properties.SessionExpiryInterval, 4);
        length += Text(properties.AssignedClientIdentifier);
        length += Fixed(properties.ServerKeepAlive, 2);
        length += Text(properties.AuthenticationMethod);
        length += Binary(properties.AuthenticationData);
        length += Fixed(properties.RequestProblemInformation, 1);
        length += Fixed(properties.WillDelayInterval, 4);
        length += Fixed(properties.RequestResponseInformation, 1);
        length += Text(properties.ResponseInformation);
        length += Text(properties.ServerReference);
        length += Text(properties.ReasonString);
        length += Fixed(properties.ReceiveMaximum, 2);
        length += Fixed(properties.TopicAliasMaximum, 2);
        length += Fixed(properties.TopicAlias, 2);
        length += Fixed(properties.MaximumQualityOfService, 1);
        length += Fixed(properties.RetainAvailable, 1);
        foreach (var pair in properties.UserProperties ?? [])
        {
            length += 1 + StringLength(pair.Name) + StringLength(pair.Value);
        }

        length += Fixed(properties.MaximumPacketSize, 4);
        length += Fixed(properties.WildcardSubscriptionAvailable, 1);
        length += Fixed(properties.SubscriptionIdentifiersAvailable, 1);
        length += Fixed(properties.SharedSubscriptionAvailable, 1);
        if (length > MaximumVariableByteInteger)
        {
            throw new ArgumentException($"The properties would take {length} bytes; MQTT 5.0 allows at most {MaximumVariableByteInteger} (§1.5.5).", nameof(properties));
        }

        return (int)length;
    }

    /// <summary>The length prefix plus the content (§2.2.2.1).</summary>
    public static int GetBlockLength(MqttProperties? properties)
    {
        var content = GetContentLength(properties);
        return GetVariableByteIntegerSize(content) + content;
    }

    /// <summary>Writes the property block: length, then each property present (§2.2.2).</summary>
    public static void Write(IBufferWriter<byte> output, MqttProperties? properties)
    {
        var content = GetContentLength(properties);
        WriteVariableByteInteger(output, content);
        if (content == 0 || properties is null)
        {
            return;
        }

        WriteByteProperty(output, PayloadFormatIndicator, properties.PayloadFormatIndicator);
        WriteUInt32Property(output, MessageExpiryInterval, properties.MessageExpiryInterval);
        WriteStringProperty(output, ContentType, properties.ContentType);
        WriteStringProperty(output, ResponseTopic, properties.ResponseTopic);
        WriteBinaryProperty(output, CorrelationData, properties.CorrelationData);
        foreach (var identifier in properties.SubscriptionIdentifiers ?? [])
        {
            WriteByte(output, SubscriptionIdentifier);
            WriteVariableByteInteger(output, identifier);
        }

        WriteUInt32Property(output, SessionExpiryInterval, properties.SessionExpiryInterval);
        WriteStringProperty(output, AssignedClientIdentifier, properties.AssignedClientIdentifier);
        WriteUInt16Property(output, ServerKeepAlive, properties.ServerKeepAlive);
        WriteStringProperty(output, AuthenticationMethod, properties.AuthenticationMethod);
        WriteBinaryProperty(output, AuthenticationData, properties.AuthenticationData);
        WriteByteProperty(output, RequestProblemInformation, properties.RequestProblemInformation);
        WriteUInt32Property(output, WillDelayInterval, properties.WillDelayInterval);
        WriteByteProperty(output, RequestResponseInformation, properties.RequestResponseInformation);
        WriteStringProperty(output, ResponseInformation, properties.ResponseInformation);
        WriteStringProperty(output, ServerReference, properties.ServerReference);
        WriteStringProperty(output, ReasonString, properties.ReasonString);
        WriteUInt16Property(output, ReceiveMaximum, properties.ReceiveMaximum);
        WriteUInt16Property(output, TopicAliasMaximum, properties.TopicAliasMaximum);
        WriteUInt16Property(output, TopicAlias, properties.TopicAlias);
        WriteByteProperty(output, MaximumQualityOfService, properties.MaximumQualityOfService);
        WriteByteProperty(output, RetainAvailable, properties.RetainAvailable);
        foreach (var pair in properties.UserProperties ?? [])
        {
            WriteByte(output, UserProperty);
            WriteString(output, pair.Name);
            WriteString(output, pair.Value);
        }

        WriteUInt32Property(output, MaximumPacketSize, properties.MaximumPacketSize);
        WriteByteProperty(output, WildcardSubscriptionAvailable, properties.WildcardSubscriptionAvailable);
        WriteByteProperty(output, SubscriptionIdentifiersAvailable, properties.SubscriptionIdentifiersAvailable);
        WriteByteProperty(output, SharedSubscriptionAvailable, properties.SharedSubscriptionAvailable);
    }

    /// <summary>How many bytes a Variable Byte Integer of <paramref name="value"/> takes (§1.5.5).</summary>
    public static int GetVariableByteIntegerSize(int value) => MqttFixedHeader.GetRemainingLengthSize(value);

    /// <summary>Writes a Variable Byte Integer (§1.5.5).</summary>
    public static void WriteVariableByteInteger(IBufferWriter<byte> output, int value)
    {
        if (value is < 0 or > MaximumVariableByteInteger)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A Variable Byte Integer holds 0 to 268,435,455 (§1.5.5).");
        }

        var span = output.GetSpan(4);
        var index = 0;
        do
        {
            var encoded = (byte)(value % 128);
            value /= 128;
            if (value > 0)
            {
                encoded |= 0x80;
            }

            span[index++] = encoded;
        }
        while (value > 0);
        output.Advance(index);
    }

    // Table 2-4 of §2.2.2.2: the packets (and the will) each property may appear in.
    private static int? AllowedContexts(byte identifier)
    {
        var connect = Context(MqttPacketType.Connect);
        var connAck = Context(MqttPacketType.ConnAck);
        var publish = Context(MqttPacketType.Publish);
        var disconnect = Context(MqttPacketType.Disconnect);
        var auth = Context(MqttPacketType.Auth);
        var acknowledgements = Context(MqttPacketType.PubAck) | Context(MqttPacketType.PubRec) | Context(MqttPacketType.PubRel)
            | Context(MqttPacketType.PubComp) | Context(MqttPacketType.SubAck) | Context(MqttPacketType.UnsubAck);
        return identifier switch
        {
            PayloadFormatIndicator or MessageExpiryInterval or ContentType or ResponseTopic or CorrelationData => publish | WillContext,
            SubscriptionIdentifier => publish | Context(MqttPacketType.Subscribe),
            SessionExpiryInterval => connect | connAck | disconnect,
            AssignedClientIdentifier or ServerKeepAlive or ResponseInformation or MaximumQualityOfService or RetainAvailable
                or WildcardSubscriptionAvailable or SubscriptionIdentifiersAvailable or SharedSubscriptionAvailable => connAck,
            AuthenticationMethod or AuthenticationData => connect | connAck | auth,
            RequestProblemInformation or RequestResponseInformation => connect,
            WillDelayInterval => WillContext,
            ServerReference => connAck | disconnect,
            ReasonString => connAck | acknowledgements | disconnect | auth,
            ReceiveMaximum or TopicAliasMaximum or MaximumPacketSize => connect | connAck,
            TopicAlias => publish,
            UserProperty => connect | connAck | publish | WillContext | acknowledgements | Context(MqttPacketType.Subscribe)
                | Context(MqttPacketType.Unsubscribe) | disconnect | auth,
            _ => null,
        };
    }

    private static MqttProtocolError ReadFlag(ref MqttSpanReader reader, out byte? value)
    {
        value = null;
        if (!reader.TryReadByte(out var raw) || raw > 1)
        {
            return MqttProtocolError.MalformedProperty;
        }

        value = raw;
        return MqttProtocolError.None;
    }

    private static MqttProtocolError ReadUInt32(ref MqttSpanReader reader, bool allowZero, out uint? value)
    {
        value = null;
        if (!reader.TryReadUInt32(out var raw) || (!allowZero && raw == 0))
        {
            return MqttProtocolError.MalformedProperty;
        }

        value = raw;
        return MqttProtocolError.None;
    }

    private static MqttProtocolError ReadUInt16(ref MqttSpanReader reader, bool allowZero, out ushort? value)
    {
        value = null;
        if (!reader.TryReadUInt16(out var raw) || (!allowZero && raw == 0))
        {
            return MqttProtocolError.MalformedProperty;
        }

        value = raw;
        return MqttProtocolError.None;
    }

    private static MqttProtocolError ReadString(ref MqttSpanReader reader, out string? value)
    {
        var error = reader.TryReadString(out var text);
        value = error == MqttProtocolError.None ? text : null;
        return error == MqttProtocolError.MalformedPacket ? MqttProtocolError.MalformedProperty : error;
    }

    private static MqttProtocolError ReadBinary(ref MqttSpanReader reader, out ReadOnlyMemory<byte>? value)
    {
        value = null;
        if (!reader.TryReadBinary(out var bytes))
        {
            return MqttProtocolError.MalformedProperty;
        }

        value = bytes.ToArray();
        return MqttProtocolError.None;
    }

    private static long Fixed<T>(T? value, int size)
        where T : struct => value is null ? 0 : 1 + size;

    private static long Text(string? value) => value is null ? 0 : 1 + StringLength(value);

    private static long Binary(ReadOnlyMemory<byte>? value)
    {
        if (value is not { } bytes)
        {
            return 0;
        }

        if (bytes.Length > MqttStrings.MaximumEncodedLength)
        {
            throw new ArgumentException($"A binary property of {bytes.Length} bytes exceeds 65535 (§1.5.6).", nameof(value));
        }

        return 3 + bytes.Length;
    }

    private static int StringLength(string value)
    {
        if (!MqttStrings.TryGetUtf8Length(value, out var length) || length > MqttStrings.MaximumEncodedLength)
        {
            throw new ArgumentException(
                $"A property string of {value.Length} characters cannot be encoded (§1.5.4: well-formed UTF-8, no U+0000, at most 65535 bytes).",
                nameof(value));
        }

        return 2 + length;
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteByteProperty(IBufferWriter<byte> output, byte identifier, byte? value)
    {
        if (value is { } present)
        {
            WriteByte(output, identifier);
            WriteByte(output, present);
        }
    }

    private static void WriteUInt16Property(IBufferWriter<byte> output, byte identifier, ushort? value)
    {
        if (value is { } present)
        {
            WriteByte(output, identifier);
            BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), present);
            output.Advance(2);
        }
    }

    private static void WriteUInt32Property(IBufferWriter<byte> output, byte identifier, uint? value)
    {
        if (value is { } present)
        {
            WriteByte(output, identifier);
            BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), present);
            output.Advance(4);
        }
    }

    private static void WriteStringProperty(IBufferWriter<byte> output, byte identifier, string? value)
    {
        if (value is not null)
        {
            WriteByte(output, identifier);
            WriteString(output, value);
        }
    }

    private static void WriteBinaryProperty(IBufferWriter<byte> output, byte identifier, ReadOnlyMemory<byte>? value)
    {
        if (value is { } bytes)
        {
            WriteByte(output, identifier);
            BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), (ushort)bytes.Length);
            output.Advance(2);
            output.Write(bytes.Span);
        }
    }

    private static void WriteString(IBufferWriter<byte> output, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        BinaryPrimitives.WriteUInt16BigEndian(output.GetSpan(2), (ushort)length);
        output.Advance(2);
        Encoding.UTF8.GetBytes(value, output.GetSpan(length));
        output.Advance(length);
    }
}
