using MedIoT.Mqtt.Packets;
using MedIoT.Mqtt.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Mqtt.Tests;

/// <summary>Broker misbehaviour no real broker shows on demand, played by <see cref="FakeBroker"/>.</summary>
public sealed class MqttClientFaultTests
{
    private const int TestTimeout = 30_000;

    [Fact(Timeout = TestTimeout)]
    public async Task A_broker_that_stops_answering_pings_faults_Completion_with_a_keep_alive_timeout()
    {
        await using var broker = new FakeBroker();
        var options = broker.Options("silent-broker");
        options.KeepAlive = TimeSpan.FromSeconds(1);
        await using var client = new MqttClient(options);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        Assert.IsType<MqttPingReqPacket>(await broker.ReceiveAsync());
        var failure = await Assert.ThrowsAsync<MqttKeepAliveTimeoutException>(() => client.Completion.WaitAsync(Broker.Timeout));

        Assert.Equal(TimeSpan.FromSeconds(1), failure.KeepAlive);
        Assert.False(client.IsConnected);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_reserved_packet_type_closes_the_connection_with_a_protocol_error_and_a_logged_reason()
    {
        await using var broker = new FakeBroker();
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = new MqttClient(broker.Options("garbage"), logger);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        await broker.SendAsync([0xF0, 0x00]);

        var failure = await Assert.ThrowsAsync<MqttProtocolException>(() => client.Completion.WaitAsync(Broker.Timeout));
        Assert.Equal(MqttProtocolError.UnknownPacketType, failure.Error);
        var channelFailure = await Assert.ThrowsAsync<MqttProtocolException>(() => client.Messages.Completion.WaitAsync(Broker.Timeout));
        Assert.Same(failure, channelFailure);
        Assert.Contains(logger.Collector.GetSnapshot(), entry => entry.Id.Id == MqttLogEvents.ProtocolViolation && entry.Message.Contains("UnknownPacketType", StringComparison.Ordinal));
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData(new byte[] { 0x40, 0x03, 0x00, 0x01, 0x00 }, MqttProtocolError.MalformedPacket)] // PUBACK with a remaining length of 3 (§3.4.1)
    [InlineData(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, MqttProtocolError.MalformedRemainingLength)] // five length bytes (§2.2.3)
    [InlineData(new byte[] { 0x62, 0x02, 0x00, 0x00 }, MqttProtocolError.InvalidPacketIdentifier)] // PUBREL with packet identifier 0 (§2.3.1)
    [InlineData(new byte[] { 0x36, 0x05, 0x00, 0x01, 0x74, 0x00, 0x01 }, MqttProtocolError.InvalidQualityOfService)] // PUBLISH with QoS 3 (§3.3.1.2)
    [InlineData(new byte[] { 0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x74, 0x00 }, MqttProtocolError.UnexpectedPacket)] // SUBSCRIBE, which only a client sends
    [InlineData(new byte[] { 0x30, 0x04, 0x00, 0x02, 0xC3, 0x28 }, MqttProtocolError.InvalidUtf8String)] // topic with an invalid UTF-8 sequence (§1.5.3)
    public async Task Bad_input_from_the_broker_closes_the_connection_with_the_logged_reason(byte[] bytes, MqttProtocolError expected)
    {
        await using var broker = new FakeBroker();
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = new MqttClient(broker.Options("bad-input"), logger);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        await broker.SendAsync(bytes);

        var failure = await Assert.ThrowsAsync<MqttProtocolException>(() => client.Completion.WaitAsync(Broker.Timeout));
        Assert.Equal(expected, failure.Error);
        Assert.False(client.IsConnected);
        Assert.Contains(logger.Collector.GetSnapshot(), entry => entry.Id.Id == MqttLogEvents.ProtocolViolation && entry.Message.Contains(expected.ToString(), StringComparison.Ordinal));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Random_and_mutated_bytes_from_the_broker_end_the_connection_only_with_a_protocol_or_connection_error(MqttProtocolVersion version)
    {
        const int Connections = 60;
        var random = new Random(20_261_121 + (int)version);
        var samples = version == MqttProtocolVersion.V500 ? Formatter.MqttVersion5CodecTests.SamplePackets() : Formatter.MqttPacketReaderTests.SamplePackets();
        var valid = samples.Values.Select(packet => PacketBytes.Encode(packet, version)).ToArray();
        await using var broker = new FakeBroker(version);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);

        for (var connection = 0; connection < Connections; connection++)
        {
            var options = broker.Options($"fuzzed-{connection}");
            options.AutoAcknowledge = random.Next(2) == 0;
            await using var client = new MqttClient(options);
            var accepted = broker.AcceptAsync();
            await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
            await accepted;

            // Several valid packets with one mutated among them, or plain noise; then the broker goes away.
            var bytes = new List<byte>();
            for (var packet = 0; packet < 3; packet++)
            {
                var sample = valid[random.Next(valid.Length)];
                bytes.AddRange(packet == 1 ? Mutate(random, sample) : sample);
            }

            if (connection % 4 == 0)
            {
                bytes.Clear();
                bytes.AddRange(Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256)));
            }

            await broker.SendAsync([.. bytes]);
            broker.DropConnection();

            var failure = await Assert.ThrowsAnyAsync<Exception>(() => client.Completion.WaitAsync(Broker.Timeout));
            Assert.True(failure is MqttProtocolException or IOException, $"Connection {connection}: {failure}");
            outcomes[failure.GetType().Name] = outcomes.GetValueOrDefault(failure.GetType().Name) + 1;
        }

        Assert.True(outcomes.GetValueOrDefault(nameof(MqttProtocolException)) > 0, string.Join(", ", outcomes));
    }

    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = original.ToArray();
        var index = random.Next(bytes.Length);
        bytes[index] = random.Next(2) == 0 ? (byte)random.Next(256) : (byte)(bytes[index] ^ (1 << random.Next(8)));
        return bytes;
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_packet_over_the_maximum_size_is_refused_without_its_body()
    {
        await using var broker = new FakeBroker();
        var options = broker.Options("oversized");
        options.MaximumIncomingPacketSize = 1024;
        await using var client = new MqttClient(options);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        // A PUBLISH header declaring 1,000,000 bytes; the body never comes.
        await broker.SendAsync([0x30, 0xC0, 0x84, 0x3D]);

        var failure = await Assert.ThrowsAsync<MqttProtocolException>(() => client.Completion.WaitAsync(Broker.Timeout));
        Assert.Equal(MqttProtocolError.PacketTooLarge, failure.Error);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_PUBACK_for_an_unknown_packet_identifier_is_a_protocol_error()
    {
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(broker.Options("stray-puback"));
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        await broker.SendAsync(PacketBytes.Encode(new MqttPubAckPacket(4242)));

        var failure = await Assert.ThrowsAsync<MqttProtocolException>(() => client.Completion.WaitAsync(Broker.Timeout));
        Assert.Equal(MqttProtocolError.UnknownPacketIdentifier, failure.Error);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_publish_awaiting_its_PUBACK_fails_when_the_connection_drops()
    {
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(broker.Options("dropped"));
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        var publish = client.PublishAsync(new MqttApplicationMessage("vitals", new byte[] { 1 }), CancellationToken.None);
        var sent = Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        Assert.Equal(MqttQualityOfService.AtLeastOnce, sent.QualityOfService);
        Assert.False(publish.IsCompleted);
        broker.DropConnection();

        var failure = await Assert.ThrowsAsync<MqttConnectionClosedException>(() => publish.WaitAsync(Broker.Timeout));
        Assert.IsAssignableFrom<IOException>(failure.InnerException);
        await Assert.ThrowsAnyAsync<IOException>(() => client.Completion.WaitAsync(Broker.Timeout));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Publishes_beyond_the_in_flight_limit_wait_until_a_PUBACK_frees_a_slot()
    {
        await using var broker = new FakeBroker();
        var options = broker.Options("in-flight");
        options.MaximumInFlightPublishes = 2;
        await using var client = new MqttClient(options);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        var publishes = Enumerable.Range(0, 3)
            .Select(index => client.PublishAsync(new MqttApplicationMessage("vitals", new[] { (byte)index }), CancellationToken.None))
            .ToArray();
        var first = Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        var second = Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        Assert.Equal(2, client.PendingRequestCount);

        // The third goes out only after a PUBACK; PUBACKs may come in any order.
        await broker.SendAsync(PacketBytes.Encode(new MqttPubAckPacket(second.PacketIdentifier)));
        var third = Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        Assert.Equal(new byte[] { 2 }, third.Payload.ToArray());
        await publishes[1].WaitAsync(Broker.Timeout);
        Assert.False(publishes[0].IsCompleted);

        await broker.SendAsync([.. PacketBytes.Encode(new MqttPubAckPacket(first.PacketIdentifier)), .. PacketBytes.Encode(new MqttPubAckPacket(third.PacketIdentifier))]);
        await Task.WhenAll(publishes).WaitAsync(Broker.Timeout);
        Assert.Equal(0, client.PendingRequestCount);

        // §3.14: DISCONNECT goes out; the client then waits for the broker to close the connection.
        var disconnect = client.DisconnectAsync(CancellationToken.None);
        Assert.IsType<MqttDisconnectPacket>(await broker.ReceiveAsync());
        broker.DropConnection();
        await disconnect.WaitAsync(Broker.Timeout);
        await client.Completion.WaitAsync(Broker.Timeout);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_connect_that_gets_no_CONNACK_times_out()
    {
        await using var broker = new FakeBroker();
        var options = broker.Options("no-connack");
        options.ConnectTimeout = TimeSpan.FromMilliseconds(300);
        await using var client = new MqttClient(options);

        await Assert.ThrowsAsync<TimeoutException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout));
        await Assert.ThrowsAsync<TimeoutException>(() => client.Completion.WaitAsync(Broker.Timeout));
    }
}
