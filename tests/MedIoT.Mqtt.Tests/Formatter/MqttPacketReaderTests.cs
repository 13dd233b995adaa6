using System.Buffers;
using MedIoT.Mqtt.Formatter;
using MedIoT.Mqtt.Packets;
using MedIoT.Mqtt.Tests.Support;

namespace MedIoT.Mqtt.Tests.Formatter;

public sealed class MqttPacketReaderTests
{
    public static TheoryData<string> PacketNames => [.. SamplePackets().Keys];

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void Every_packet_type_round_trips(string name)
    {
        var original = SamplePackets()[name];
        var bytes = PacketBytes.Encode(original);

        var status = PacketBytes.Read(bytes, out var decoded, out var error);

        Assert.Equal(MqttReadStatus.Done, status);
        Assert.Equal(MqttProtocolError.None, error);
        Assert.NotNull(decoded);
        Assert.Equal(original.Type, decoded.Type);
        Assert.Equal(bytes, PacketBytes.Encode(decoded));
    }

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void Every_packet_type_decodes_from_one_byte_segments(string name)
    {
        var bytes = PacketBytes.Encode(SamplePackets()[name]);
        var buffer = PacketBytes.Segmented(bytes, 1);

        var status = MqttPacketReader.TryReadPacket(ref buffer, PacketBytes.NoLimit, out var decoded, out _);

        Assert.Equal(MqttReadStatus.Done, status);
        Assert.True(buffer.IsEmpty);
        Assert.Equal(bytes, PacketBytes.Encode(decoded!));
    }

    [Fact]
    public void Connect_fields_survive_the_round_trip()
    {
        var bytes = PacketBytes.Encode(SamplePackets()["CONNECT with will and credentials"]);

        PacketBytes.Read(bytes, out var decoded, out _);

        var connect = Assert.IsType<MqttConnectPacket>(decoded);
        Assert.Equal("gateway-ward3", connect.ClientId);
        Assert.False(connect.CleanSession);
        Assert.Equal(60, connect.KeepAliveSeconds);
        Assert.Equal("nurse", connect.Username);
        Assert.Equal("s3cret"u8.ToArray(), connect.Password!.Value.ToArray());
        Assert.Equal("ward/3/status", connect.WillTopic);
        Assert.Equal(MqttQualityOfService.AtLeastOnce, connect.WillQualityOfService);
        Assert.True(connect.WillRetain);
    }

    [Fact]
    public void Publish_fields_survive_the_round_trip()
    {
        var bytes = PacketBytes.Encode(new MqttPublishPacket
        {
            Topic = "ward/3/bed/12/vitals", Payload = new byte[] { 1, 2, 3 }, QualityOfService = MqttQualityOfService.AtLeastOnce,
            Retain = true, Duplicate = true, PacketIdentifier = 0xBEEF,
        });

        PacketBytes.Read(bytes, out var decoded, out _);

        var publish = Assert.IsType<MqttPublishPacket>(decoded);
        Assert.Equal("ward/3/bed/12/vitals", publish.Topic);
        Assert.Equal(new byte[] { 1, 2, 3 }, publish.Payload.ToArray());
        Assert.Equal(MqttQualityOfService.AtLeastOnce, publish.QualityOfService);
        Assert.True(publish.Retain);
        Assert.True(publish.Duplicate);
        Assert.Equal(0xBEEF, publish.PacketIdentifier);
    }

    // §2.2.3, table 2.4: the boundaries of one to four Remaining Length bytes.
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2_097_151, new byte[] { 0xFF, 0xFF, 0x7F })]
    [InlineData(2_097_152, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    public void Remaining_length_boundaries_round_trip(int remainingLength, byte[] expectedEncoding)
    {
        MqttPacket packet = remainingLength == 0
            ? MqttPingReqPacket.Instance
            : new MqttPublishPacket { Topic = "t", Payload = new byte[remainingLength - 3] };
        var bytes = PacketBytes.Encode(packet);

        Assert.Equal(expectedEncoding, bytes.AsSpan(1, expectedEncoding.Length).ToArray());
        Assert.Equal(1 + expectedEncoding.Length + remainingLength, bytes.Length);
        Assert.Equal(MqttReadStatus.Done, PacketBytes.Read(bytes, out var decoded, out _));
        Assert.Equal(bytes.Length, PacketBytes.Encode(decoded!).Length);
    }

    [Fact]
    public void Largest_remaining_length_is_decoded_exactly_before_the_body_arrives()
    {
        byte[] header = [0x30, 0xFF, 0xFF, 0xFF, 0x7F];
        const int packetSize = 5 + 268_435_455;

        Assert.Equal(MqttReadStatus.NeedMoreData, PacketBytes.Read(header, out _, out _, packetSize));
        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(header, out _, out var error, packetSize - 1));
        Assert.Equal(MqttProtocolError.PacketTooLarge, error);
    }

    [Theory]
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    [InlineData(new byte[] { 0x30, 0x80, 0x80, 0x80, 0x80 })]
    public void A_fifth_remaining_length_byte_is_rejected(byte[] bytes)
    {
        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(bytes, out _, out var error));
        Assert.Equal(MqttProtocolError.MalformedRemainingLength, error);
    }

    [Fact]
    public void A_declared_size_over_the_maximum_is_rejected_before_the_body_arrives()
    {
        // PUBLISH declaring 1,000,000 bytes; only the fixed header has arrived.
        byte[] header = [0x30, 0xC0, 0x84, 0x3D];

        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(header, out _, out var error, maximumPacketSize: 262_144));
        Assert.Equal(MqttProtocolError.PacketTooLarge, error);
    }

    [Fact]
    public void A_packet_of_exactly_the_maximum_size_is_accepted()
    {
        var bytes = PacketBytes.Encode(new MqttPublishPacket { Topic = "t", Payload = new byte[100] });

        Assert.Equal(MqttReadStatus.Done, PacketBytes.Read(bytes, out _, out _, maximumPacketSize: bytes.Length));
        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(bytes, out _, out var error, maximumPacketSize: bytes.Length - 1));
        Assert.Equal(MqttProtocolError.PacketTooLarge, error);
    }

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void Every_proper_prefix_needs_more_data_and_consumes_nothing(string name)
    {
        var bytes = PacketBytes.Encode(SamplePackets()[name]);
        for (var length = 0; length < bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);

            var status = MqttPacketReader.TryReadPacket(ref buffer, PacketBytes.NoLimit, out var packet, out var error);

            Assert.Equal(MqttReadStatus.NeedMoreData, status);
            Assert.Null(packet);
            Assert.Equal(MqttProtocolError.None, error);
            Assert.Equal(length, buffer.Length);
        }
    }

    [Fact]
    public void Two_packets_in_one_buffer_are_read_one_after_the_other()
    {
        byte[] bytes = [.. PacketBytes.Encode(new MqttPubAckPacket(7)), .. PacketBytes.Encode(MqttPingRespPacket.Instance)];
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(MqttReadStatus.Done, MqttPacketReader.TryReadPacket(ref buffer, PacketBytes.NoLimit, out var first, out _));
        Assert.Equal(MqttReadStatus.Done, MqttPacketReader.TryReadPacket(ref buffer, PacketBytes.NoLimit, out var second, out _));
        Assert.Equal(MqttReadStatus.NeedMoreData, MqttPacketReader.TryReadPacket(ref buffer, PacketBytes.NoLimit, out _, out _));

        Assert.Equal(7, Assert.IsType<MqttPubAckPacket>(first).PacketIdentifier);
        Assert.IsType<MqttPingRespPacket>(second);
    }

    // §2.2.2, table 2.2.
    [Theory]
    [InlineData(new byte[] { 0x41, 0x02, 0x00, 0x01 })] // PUBACK with flags 0001
    [InlineData(new byte[] { 0x60, 0x02, 0x00, 0x01 })] // PUBREL without the required 0010
    [InlineData(new byte[] { 0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x74, 0x00 })] // SUBSCRIBE without 0010
    [InlineData(new byte[] { 0xD8, 0x00 })] // PINGRESP with flags
    [InlineData(new byte[] { 0x38, 0x03, 0x00, 0x01, 0x74 })] // PUBLISH QoS 0 with DUP (§3.3.1.1)
    public void Invalid_fixed_header_flags_are_rejected(byte[] bytes)
    {
        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(bytes, out _, out var error));
        Assert.Equal(MqttProtocolError.InvalidFlags, error);
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0xF0)]
    public void Reserved_packet_types_are_rejected_from_the_first_byte(byte firstByte)
    {
        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read([firstByte], out _, out var error));
        Assert.Equal(MqttProtocolError.UnknownPacketType, error);
    }

    [Fact]
    public void Publish_with_QoS_3_is_rejected()
    {
        byte[] bytes = [0x36, 0x05, 0x00, 0x01, 0x74, 0x00, 0x01];

        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(bytes, out _, out var error));
        Assert.Equal(MqttProtocolError.InvalidQualityOfService, error);
    }

    [Fact]
    public void Publish_with_QoS_1_and_packet_identifier_0_is_rejected()
    {
        byte[] bytes = [0x32, 0x05, 0x00, 0x01, 0x74, 0x00, 0x00];

        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(bytes, out _, out var error));
        Assert.Equal(MqttProtocolError.InvalidPacketIdentifier, error);
    }

    [Fact]
    public void Acknowledgement_with_packet_identifier_0_is_rejected()
    {
        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read([0x40, 0x02, 0x00, 0x00], out _, out var error));
        Assert.Equal(MqttProtocolError.InvalidPacketIdentifier, error);
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })] // invalid continuation byte
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // encoded surrogate U+D800
    [InlineData(new byte[] { 0xC0, 0xAF })] // overlong '/'
    [InlineData(new byte[] { 0x61, 0x00, 0x62 })] // U+0000
    public void Topic_names_that_are_not_valid_utf8_are_rejected(byte[] topic)
    {
        byte[] bytes = [0x30, (byte)(2 + topic.Length), 0x00, (byte)topic.Length, .. topic];

        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(bytes, out _, out var error));
        Assert.Equal(MqttProtocolError.InvalidUtf8String, error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ward/+/vitals")]
    [InlineData("ward/#")]
    public void Publish_topics_that_are_empty_or_hold_wildcards_are_rejected(string topic)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(topic);
        byte[] bytes = [0x30, (byte)(2 + utf8.Length), 0x00, (byte)utf8.Length, .. utf8];

        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(bytes, out _, out var error));
        Assert.Equal(MqttProtocolError.InvalidTopicName, error);
    }

    [Fact]
    public void A_string_longer_than_its_packet_is_rejected()
    {
        // PUBLISH whose topic claims 200 bytes inside a 4-byte body.
        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read([0x30, 0x04, 0x00, 0xC8, 0x61, 0x62], out _, out var error));
        Assert.Equal(MqttProtocolError.MalformedPacket, error);
    }

    [Theory]
    [InlineData(new byte[] { 0x20, 0x03, 0x00, 0x00, 0x00 })] // CONNACK too long
    [InlineData(new byte[] { 0x20, 0x02, 0x02, 0x00 })] // CONNACK reserved flag bit
    [InlineData(new byte[] { 0x40, 0x03, 0x00, 0x01, 0x00 })] // PUBACK too long
    [InlineData(new byte[] { 0x90, 0x03, 0x00, 0x01, 0x03 })] // SUBACK code 3
    [InlineData(new byte[] { 0x90, 0x02, 0x00, 0x01 })] // SUBACK without codes
    [InlineData(new byte[] { 0xA2, 0x02, 0x00, 0x01 })] // UNSUBSCRIBE without filters
    [InlineData(new byte[] { 0xD0, 0x01, 0x00 })] // PINGRESP with a body
    public void Bodies_that_do_not_match_their_type_are_rejected(byte[] bytes)
    {
        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(bytes, out _, out var error));
        Assert.Equal(MqttProtocolError.MalformedPacket, error);
    }

    [Fact]
    public void Subscribe_with_an_invalid_filter_is_rejected()
    {
        // "a/#/b": '#' not last (§4.7.1.2).
        byte[] bytes = [0x82, 0x0A, 0x00, 0x01, 0x00, 0x05, (byte)'a', (byte)'/', (byte)'#', (byte)'/', (byte)'b', 0x01];

        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(bytes, out _, out var error));
        Assert.Equal(MqttProtocolError.InvalidTopicFilter, error);
    }

    [Fact]
    public void Connect_with_another_protocol_level_is_rejected()
    {
        var bytes = PacketBytes.Encode(new MqttConnectPacket { ClientId = "c" });
        bytes[8] = 5; // protocol level byte after 0x10, length, 00 04 'M' 'Q' 'T' 'T'

        Assert.Equal(MqttReadStatus.Error, PacketBytes.Read(bytes, out _, out var error));
        Assert.Equal(MqttProtocolError.UnsupportedProtocolVersion, error);
    }

    [Fact]
    public void Encoding_a_string_longer_than_65535_bytes_throws_before_writing()
    {
        var output = new ArrayBufferWriter<byte>();
        var packet = new MqttPublishPacket { Topic = new string('a', 65_536) };

        Assert.Throws<ArgumentException>(() => MqttPacketWriter.Write(packet, output));
        Assert.Equal(0, output.WrittenCount);
    }

    internal static Dictionary<string, MqttPacket> SamplePackets() => new()
    {
        ["CONNECT minimal"] = new MqttConnectPacket { ClientId = "c", CleanSession = true },
        ["CONNECT with will and credentials"] = new MqttConnectPacket
        {
            ClientId = "gateway-ward3", CleanSession = false, KeepAliveSeconds = 60, Username = "nurse",
            Password = "s3cret"u8.ToArray(), WillTopic = "ward/3/status", WillPayload = "offline"u8.ToArray(),
            WillQualityOfService = MqttQualityOfService.AtLeastOnce, WillRetain = true,
        },
        ["CONNACK"] = new MqttConnAckPacket(sessionPresent: true, MqttConnectReturnCode.Accepted),
        ["CONNACK refused"] = new MqttConnAckPacket(sessionPresent: false, MqttConnectReturnCode.NotAuthorized),
        ["PUBLISH QoS 0"] = new MqttPublishPacket { Topic = "ward/3/bed/12/vitals", Payload = "{\"hr\":72}"u8.ToArray() },
        ["PUBLISH QoS 1 retained duplicate"] = new MqttPublishPacket
        {
            Topic = "ward/3/bed/12/vitals", Payload = new byte[300], QualityOfService = MqttQualityOfService.AtLeastOnce,
            Retain = true, Duplicate = true, PacketIdentifier = 65_535,
        },
        ["PUBLISH QoS 2"] = new MqttPublishPacket { Topic = "é/ü", QualityOfService = MqttQualityOfService.ExactlyOnce, PacketIdentifier = 2 },
        ["PUBACK"] = new MqttPubAckPacket(1),
        ["PUBREC"] = new MqttPubRecPacket(2),
        ["PUBREL"] = new MqttPubRelPacket(3),
        ["PUBCOMP"] = new MqttPubCompPacket(4),
        ["SUBSCRIBE"] = new MqttSubscribePacket(5, [new MqttTopicFilter("ward/+/bed/#", MqttQualityOfService.AtLeastOnce), new MqttTopicFilter("#", MqttQualityOfService.AtMostOnce)]),
        ["SUBACK"] = new MqttSubAckPacket(5, [MqttSubscribeReturnCode.GrantedQualityOfService1, MqttSubscribeReturnCode.Failure]),
        ["UNSUBSCRIBE"] = new MqttUnsubscribePacket(6, ["ward/+/bed/#", "a/b"]),
        ["UNSUBACK"] = new MqttUnsubAckPacket(6),
        ["PINGREQ"] = MqttPingReqPacket.Instance,
        ["PINGRESP"] = MqttPingRespPacket.Instance,
        ["DISCONNECT"] = MqttDisconnectPacket.Instance,
    };
}
