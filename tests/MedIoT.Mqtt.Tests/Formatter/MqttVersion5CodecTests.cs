using System.Buffers;
using MedIoT.Mqtt.Formatter;
using MedIoT.Mqtt.Packets;
using MedIoT.Mqtt.Tests.Support;

namespace MedIoT.Mqtt.Tests.Formatter;

/// <summary>The MQTT 5.0 layouts and the property codec (OASIS MQTT Version 5.0, §2.2.2 and chapter 3).</summary>
public sealed class MqttVersion5CodecTests
{
    private const MqttProtocolVersion V5 = MqttProtocolVersion.V500;

    public static TheoryData<string> PacketNames => [.. SamplePackets().Keys];

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void Every_v5_packet_round_trips_byte_for_byte(string name)
    {
        var bytes = PacketBytes.Encode(SamplePackets()[name], V5);

        Assert.Equal(MqttReadStatus.Done, PacketBytes.Read5(bytes, out var decoded, out var error));

        Assert.Equal(MqttProtocolError.None, error);
        Assert.Equal(bytes, PacketBytes.Encode(decoded!, V5));
    }

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void Every_proper_prefix_of_a_v5_packet_needs_more_data(string name)
    {
        var bytes = PacketBytes.Encode(SamplePackets()[name], V5);
        for (var length = 0; length < bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.Equal(MqttReadStatus.NeedMoreData, MqttPacketReader.TryReadPacket(ref buffer, V5, PacketBytes.NoLimit, out _, out _));
        }
    }

    [Fact]
    public void Connect_with_properties_has_the_known_encoding()
    {
        var connect = new MqttConnectPacket
        {
            ProtocolVersion = V5, ClientId = "c", CleanSession = true, KeepAliveSeconds = 60,
            Properties = new MqttProperties { SessionExpiryInterval = 3600, ReceiveMaximum = 10 },
        };

        byte[] expected =
        [
            0x10, 0x16, 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05, 0x02, 0x00, 0x3C,
            0x08, 0x11, 0x00, 0x00, 0x0E, 0x10, 0x21, 0x00, 0x0A, // §3.1.2.11: Session Expiry 3600, Receive Maximum 10
            0x00, 0x01, (byte)'c',
        ];
        Assert.Equal(expected, PacketBytes.Encode(connect, V5));
    }

    [Fact]
    public void Publish_with_a_user_property_has_the_known_encoding_and_decodes_back()
    {
        byte[] bytes = [0x32, 0x0E, 0x00, 0x01, (byte)'t', 0x00, 0x05, 0x07, 0x26, 0x00, 0x01, (byte)'k', 0x00, 0x01, (byte)'v', (byte)'x'];

        Assert.Equal(MqttReadStatus.Done, PacketBytes.Read5(bytes, out var decoded, out _));

        var publish = Assert.IsType<MqttPublishPacket>(decoded);
        Assert.Equal("t", publish.Topic);
        Assert.Equal(5, publish.PacketIdentifier);
        Assert.Equal(new MqttUserProperty("k", "v"), Assert.Single(publish.Properties!.UserProperties!));
        Assert.Equal("x"u8.ToArray(), publish.Payload.ToArray());
        Assert.Equal(bytes, PacketBytes.Encode(publish, V5));
    }

    // §3.4.2.1: the reason code and property length may be omitted; both shorter forms decode.
    [Theory]
    [InlineData(new byte[] { 0x40, 0x02, 0x00, 0x01 }, MqttReasonCode.Success)]
    [InlineData(new byte[] { 0x40, 0x03, 0x00, 0x01, 0x10 }, MqttReasonCode.NoMatchingSubscribers)]
    [InlineData(new byte[] { 0x40, 0x04, 0x00, 0x01, 0x87, 0x00 }, MqttReasonCode.NotAuthorized)]
    [InlineData(new byte[] { 0x50, 0x03, 0x00, 0x01, 0x97 }, MqttReasonCode.QuotaExceeded)]
    [InlineData(new byte[] { 0x70, 0x03, 0x00, 0x01, 0x92 }, MqttReasonCode.PacketIdentifierNotFound)]
    public void Publish_acknowledgements_decode_in_every_length_form(byte[] bytes, MqttReasonCode expected)
    {
        Assert.Equal(MqttReadStatus.Done, PacketBytes.Read5(bytes, out var decoded, out _));
        Assert.Equal(expected, Assert.IsAssignableFrom<MqttIdentifiedPacket>(decoded).ReasonCode);
    }

    [Fact]
    public void A_success_acknowledgement_is_written_in_the_short_form()
    {
        Assert.Equal(new byte[] { 0x40, 0x02, 0x00, 0x07 }, PacketBytes.Encode(new MqttPubAckPacket(7), V5));
        Assert.Equal(new byte[] { 0xE0, 0x00 }, PacketBytes.Encode(MqttDisconnectPacket.Instance, V5));
    }

    [Fact]
    public void A_server_DISCONNECT_carries_its_reason_code_and_reason_string()
    {
        byte[] bytes = [0xE0, 0x07, 0x8B, 0x05, 0x1F, 0x00, 0x02, (byte)'b', (byte)'y'];

        Assert.Equal(MqttReadStatus.Done, PacketBytes.Read5(bytes, out var decoded, out _));

        var disconnect = Assert.IsType<MqttDisconnectPacket>(decoded);
        Assert.Equal(MqttReasonCode.ServerShuttingDown, disconnect.ReasonCode);
        Assert.Equal("by", disconnect.Properties.ReasonString);
    }

    [Fact]
    public void Suback_carries_one_reason_code_per_filter()
    {
        Assert.Equal(MqttReadStatus.Done, PacketBytes.Read5([0x90, 0x05, 0x00, 0x01, 0x00, 0x01, 0x87], out var decoded, out _));

        var subAck = Assert.IsType<MqttSubAckPacket>(decoded);
        Assert.Equal([MqttSubscribeReturnCode.GrantedQualityOfService1, MqttSubscribeReturnCode.NotAuthorized], subAck.ReturnCodes);
    }

    [Fact]
    public void Subscription_options_round_trip()
    {
        var filter = new MqttTopicFilter("ward/#", MqttQualityOfService.ExactlyOnce)
        {
            NoLocal = true, RetainAsPublished = true, RetainHandling = MqttRetainHandling.DoNotSend,
        };
        var bytes = PacketBytes.Encode(new MqttSubscribePacket(9, [filter]), V5);

        // §3.8.3.1: QoS 2 | No Local 0x04 | Retain As Published 0x08 | Retain Handling 2 << 4.
        Assert.Equal(0x2E, bytes[^1]);
        PacketBytes.Read5(bytes, out var decoded, out _);
        var options = Assert.Single(Assert.IsType<MqttSubscribePacket>(decoded).Filters);
        Assert.True(options.NoLocal);
        Assert.True(options.RetainAsPublished);
        Assert.Equal(MqttRetainHandling.DoNotSend, options.RetainHandling);
    }

    [Fact]
    public void Auth_is_a_packet_in_v5_and_a_reserved_type_in_v311()
    {
        Assert.Equal(MqttReadStatus.Done, PacketBytes.Read5([0xF0, 0x00], out var auth, out _));
        Assert.IsType<MqttAuthPacket>(auth);
        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read([0xF0, 0x00], out _, out var error));
        Assert.Equal(MqttProtocolError.UnknownPacketType, error);
    }

    [Theory]
    [InlineData(new byte[] { 0x40, 0x0B, 0x00, 0x01, 0x80, 0x07, 0x1F, 0x00, 0x01, 0x61, 0x1F, 0x00, 0x00 }, MqttProtocolError.DuplicateProperty)] // two reason strings
    [InlineData(new byte[] { 0x40, 0x09, 0x00, 0x01, 0x00, 0x05, 0x11, 0x00, 0x00, 0x00, 0x01 }, MqttProtocolError.PropertyNotAllowed)] // session expiry in PUBACK
    [InlineData(new byte[] { 0x32, 0x08, 0x00, 0x01, 0x74, 0x00, 0x01, 0x02, 0x02, 0x00 }, MqttProtocolError.MalformedProperty)] // message expiry cut short
    [InlineData(new byte[] { 0x40, 0x07, 0x00, 0x01, 0x00, 0x05, 0x1F, 0x00, 0x00 }, MqttProtocolError.MalformedProperty)] // property length beyond the packet
    [InlineData(new byte[] { 0x40, 0x06, 0x00, 0x01, 0x00, 0x02, 0x05, 0x00 }, MqttProtocolError.MalformedProperty)] // unknown identifier 0x05
    [InlineData(new byte[] { 0x40, 0x05, 0x00, 0x01, 0x00, 0x80, 0x00 }, MqttProtocolError.MalformedProperty)] // non-minimal Variable Byte Integer (§1.5.5)
    [InlineData(new byte[] { 0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x00 }, MqttProtocolError.MalformedProperty)] // Receive Maximum 0 (§3.2.2.3.3)
    [InlineData(new byte[] { 0x20, 0x08, 0x00, 0x00, 0x05, 0x27, 0x00, 0x00, 0x00, 0x00 }, MqttProtocolError.MalformedProperty)] // Maximum Packet Size 0 (§3.2.2.3.6)
    [InlineData(new byte[] { 0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02 }, MqttProtocolError.MalformedProperty)] // Maximum QoS 2 (§3.2.2.3.4)
    [InlineData(new byte[] { 0x20, 0x07, 0x00, 0x00, 0x04, 0x13, 0x00, 0x01, 0x21 }, MqttProtocolError.MalformedProperty)] // truncated second property
    [InlineData(new byte[] { 0x20, 0x09, 0x00, 0x00, 0x06, 0x13, 0x00, 0x01, 0x13, 0x00, 0x02 }, MqttProtocolError.DuplicateProperty)] // Server Keep Alive twice
    [InlineData(new byte[] { 0x32, 0x0B, 0x00, 0x01, 0x74, 0x00, 0x01, 0x04, 0x0B, 0x01, 0x0B, 0x00, 0x78 }, MqttProtocolError.MalformedProperty)] // Subscription Identifier 0
    [InlineData(new byte[] { 0x82, 0x0B, 0x00, 0x01, 0x04, 0x0B, 0x01, 0x0B, 0x02, 0x00, 0x01, 0x74, 0x00 }, MqttProtocolError.DuplicateProperty)] // two Subscription Identifiers in SUBSCRIBE
    [InlineData(new byte[] { 0x40, 0x03, 0x00, 0x01, 0x8E }, MqttProtocolError.InvalidReasonCode)] // Session taken over is not a PUBACK code
    [InlineData(new byte[] { 0x90, 0x04, 0x00, 0x01, 0x00, 0x10 }, MqttProtocolError.InvalidReasonCode)] // 0x10 is not a SUBACK code
    [InlineData(new byte[] { 0xE0, 0x01, 0x01 }, MqttProtocolError.InvalidReasonCode)] // DISCONNECT 0x01
    [InlineData(new byte[] { 0x20, 0x03, 0x01, 0x87, 0x00 }, MqttProtocolError.MalformedPacket)] // refusal with Session Present (§3.2.2.1.1)
    [InlineData(new byte[] { 0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x74, 0x30 }, MqttProtocolError.MalformedPacket)] // Retain Handling 3 (§3.8.3.1)
    [InlineData(new byte[] { 0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x74, 0x40 }, MqttProtocolError.MalformedPacket)] // reserved option bit
    [InlineData(new byte[] { 0x30, 0x03, 0x00, 0x00, 0x00 }, MqttProtocolError.InvalidTopicName)] // empty topic without an alias (§3.3.2.3.4)
    [InlineData(new byte[] { 0x30, 0x0B, 0x00, 0x01, 0x74, 0x07, 0x26, 0x00, 0x01, 0x6B, 0x00, 0x02, 0xC3 }, MqttProtocolError.MalformedProperty)] // user property value beyond the block
    public void Invalid_v5_packets_are_rejected_with_the_specific_error(byte[] bytes, MqttProtocolError expected)
    {
        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read5(bytes, out var packet, out var error));
        Assert.Null(packet);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void User_properties_and_subscription_identifiers_may_repeat_in_a_publish()
    {
        var publish = new MqttPublishPacket
        {
            Topic = "t",
            Properties = new MqttProperties
            {
                UserProperties = [new("k", "1"), new("k", "2")],
                SubscriptionIdentifiers = [1, 268_435_455],
            },
        };
        var bytes = PacketBytes.Encode(publish, V5);

        Assert.Equal(MqttReadStatus.Done, PacketBytes.Read5(bytes, out var decoded, out _));
        var properties = Assert.IsType<MqttPublishPacket>(decoded).Properties!;
        Assert.Equal(["1", "2"], properties.UserProperties!.Select(property => property.Value));
        Assert.Equal([1, 268_435_455], properties.SubscriptionIdentifiers!);
    }

    [Fact]
    public void A_v311_connection_refuses_to_encode_v5_content()
    {
        var output = new ArrayBufferWriter<byte>();
        var publish = new MqttPublishPacket { Topic = "t", Properties = new MqttProperties { ContentType = "text/plain" } };

        Assert.Throws<ArgumentException>(() => MqttPacketWriter.Write(publish, MqttProtocolVersion.V311, output));
        Assert.Throws<ArgumentException>(() => MqttPacketWriter.Write(new MqttAuthPacket(MqttReasonCode.Success), MqttProtocolVersion.V311, output));
        Assert.Equal(0, output.WrittenCount);
    }

    internal static Dictionary<string, MqttPacket> SamplePackets() => new()
    {
        ["CONNECT minimal"] = new MqttConnectPacket { ProtocolVersion = V5, ClientId = string.Empty, CleanSession = true },
        ["CONNECT with every property, will and credentials"] = new MqttConnectPacket
        {
            ProtocolVersion = V5, ClientId = "gateway-ward3", KeepAliveSeconds = 60, Username = "nurse", Password = "s3cret"u8.ToArray(),
            WillTopic = "ward/3/status", WillPayload = "offline"u8.ToArray(), WillQualityOfService = MqttQualityOfService.AtLeastOnce, WillRetain = true,
            Properties = new MqttProperties
            {
                SessionExpiryInterval = 604_800, ReceiveMaximum = 100, MaximumPacketSize = 262_144, TopicAliasMaximum = 0,
                RequestProblemInformation = 1, RequestResponseInformation = 0, UserProperties = [new("site", "ward 3")],
                AuthenticationMethod = "none", AuthenticationData = new byte[] { 1 },
            },
            WillProperties = new MqttProperties
            {
                WillDelayInterval = 5, PayloadFormatIndicator = 1, MessageExpiryInterval = 60, ContentType = "text/plain",
                ResponseTopic = "ward/3/reply", CorrelationData = new byte[] { 7, 7 }, UserProperties = [new("a", "b")],
            },
        },
        ["CONNECT password without user name"] = new MqttConnectPacket { ProtocolVersion = V5, ClientId = "c", Password = "p"u8.ToArray() },
        ["CONNACK with every property"] = new MqttConnAckPacket(true, MqttReasonCode.Success, new MqttProperties
        {
            SessionExpiryInterval = 60, ReceiveMaximum = 20, MaximumQualityOfService = 1, RetainAvailable = 0, MaximumPacketSize = 1024,
            AssignedClientIdentifier = "auto-1", TopicAliasMaximum = 10, ReasonString = "welcome", UserProperties = [new("x", "y")],
            WildcardSubscriptionAvailable = 1, SubscriptionIdentifiersAvailable = 0, SharedSubscriptionAvailable = 1, ServerKeepAlive = 30,
            ResponseInformation = "resp", ServerReference = "other:1883", AuthenticationMethod = "m", AuthenticationData = new byte[] { 2 },
        }),
        ["CONNACK refused"] = new MqttConnAckPacket(false, MqttReasonCode.NotAuthorized, new MqttProperties { ReasonString = "no" }),
        ["PUBLISH QoS 0 without properties"] = new MqttPublishPacket { Topic = "ward/3/bed/12/vitals", Payload = "{\"hr\":72}"u8.ToArray() },
        ["PUBLISH QoS 1 with user properties"] = new MqttPublishPacket
        {
            Topic = "ward/3/bed/12/vitals", Payload = new byte[300], QualityOfService = MqttQualityOfService.AtLeastOnce, Retain = true,
            Duplicate = true, PacketIdentifier = 65_535,
            Properties = new MqttProperties { UserProperties = [new("device", "bed-12"), new("device", "bed-12b")], ContentType = "application/jose" },
        },
        ["PUBLISH QoS 2 with alias and subscription ids"] = new MqttPublishPacket
        {
            Topic = "é/ü", QualityOfService = MqttQualityOfService.ExactlyOnce, PacketIdentifier = 2,
            Properties = new MqttProperties { TopicAlias = 3, SubscriptionIdentifiers = [128, 16_384], MessageExpiryInterval = 10, PayloadFormatIndicator = 0 },
        },
        ["PUBACK short"] = new MqttPubAckPacket(1),
        ["PUBACK refused with reason string"] = new MqttPubAckPacket(1) { ReasonCode = MqttReasonCode.NotAuthorized, Properties = new MqttProperties { ReasonString = "acl" } },
        ["PUBREC no subscribers"] = new MqttPubRecPacket(2) { ReasonCode = MqttReasonCode.NoMatchingSubscribers },
        ["PUBREL"] = new MqttPubRelPacket(3),
        ["PUBCOMP not found"] = new MqttPubCompPacket(4) { ReasonCode = MqttReasonCode.PacketIdentifierNotFound },
        ["SUBSCRIBE with options and identifier"] = new MqttSubscribePacket(5,
        [
            new MqttTopicFilter("ward/+/bed/#", MqttQualityOfService.AtLeastOnce) { NoLocal = true, RetainHandling = MqttRetainHandling.SendAtNewSubscription },
            new MqttTopicFilter("$share/g/#", MqttQualityOfService.AtMostOnce) { RetainAsPublished = true },
        ])
        {
            Properties = new MqttProperties { SubscriptionIdentifiers = [42], UserProperties = [new("k", "v")] },
        },
        ["SUBACK"] = new MqttSubAckPacket(5, [MqttSubscribeReturnCode.GrantedQualityOfService1, MqttSubscribeReturnCode.NotAuthorized])
        {
            Properties = new MqttProperties { ReasonString = "partly" },
        },
        ["UNSUBSCRIBE"] = new MqttUnsubscribePacket(6, ["ward/+/bed/#", "a/b"]) { Properties = new MqttProperties { UserProperties = [new("k", "v")] } },
        ["UNSUBACK"] = new MqttUnsubAckPacket(6) { ReasonCodes = [MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted] },
        ["PINGREQ"] = MqttPingReqPacket.Instance,
        ["PINGRESP"] = MqttPingRespPacket.Instance,
        ["DISCONNECT normal"] = MqttDisconnectPacket.Instance,
        ["DISCONNECT with reason"] = new MqttDisconnectPacket(MqttReasonCode.SessionTakenOver, new MqttProperties
        {
            ReasonString = "another connection", SessionExpiryInterval = 0, ServerReference = "b:1883", UserProperties = [new("k", "v")],
        }),
        ["AUTH"] = new MqttAuthPacket(MqttReasonCode.ContinueAuthentication, new MqttProperties { AuthenticationMethod = "SCRAM-SHA-1", AuthenticationData = new byte[] { 1, 2 } }),
    };
}
