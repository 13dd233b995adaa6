using MedIoT.Mqtt.Packets;
using MedIoT.Mqtt.Tests.Support;
using MedIoT.Testing;
using Microsoft.Extensions.Logging;

namespace MedIoT.Mqtt.Tests;

/// <summary>MQTT 5.0 behaviour that needs a broker to misbehave or say exactly what a test wants, played by <see cref="FakeBroker"/>.</summary>
public sealed class MqttVersion5ClientTests
{
    private const int TestTimeout = 30_000;

    [Fact(Timeout = TestTimeout)]
    public async Task CONNECT_announces_session_expiry_receive_maximum_and_maximum_packet_size()
    {
        await using var broker = new FakeBroker(MqttProtocolVersion.V500);
        var options = broker.Options("v5-connect-properties");
        options.CleanSession = false;
        options.SessionExpiryInterval = TimeSpan.FromDays(7);
        options.ReceiveMaximum = 50;
        options.MaximumIncomingPacketSize = 4096;
        options.WillMessage = new MqttApplicationMessage("status", "offline"u8.ToArray()) { UserProperties = [new("reason", "lost")] };
        await using var client = new MqttClient(options);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        var connect = await accepted;

        Assert.Equal(MqttProtocolVersion.V500, connect.ProtocolVersion);
        Assert.False(connect.CleanSession);
        Assert.Equal(604_800u, connect.Properties!.SessionExpiryInterval);
        Assert.Equal((ushort)50, connect.Properties.ReceiveMaximum);
        Assert.Equal(4096u, connect.Properties.MaximumPacketSize);
        Assert.Null(connect.Properties.TopicAliasMaximum);
        Assert.Equal(new MqttUserProperty("reason", "lost"), Assert.Single(connect.WillProperties!.UserProperties!));
        broker.DropConnection();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_server_DISCONNECT_with_reason_reaches_ConnectionLost_and_the_log_and_the_client_reconnects()
    {
        await using var broker = new FakeBroker(MqttProtocolVersion.V500);
        var options = broker.Options("v5-server-disconnect");
        options.AutomaticReconnect = true;
        options.ReconnectInitialDelay = TimeSpan.FromMilliseconds(20);
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = new MqttClient(options, logger);
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, e) => lost.TrySetResult(e.Reason);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        await broker.SendAsync(new MqttDisconnectPacket(MqttReasonCode.ServerShuttingDown, new MqttProperties { ReasonString = "maintenance" }));
        var reason = Assert.IsType<MqttDisconnectedByServerException>(await lost.Task.WaitAsync(Broker.Timeout));
        await broker.AcceptAsync();

        Assert.Equal(MqttReasonCode.ServerShuttingDown, reason.ReasonCode);
        Assert.Equal("maintenance", reason.ReasonString);
        Assert.Contains(logger.Collector.GetSnapshot(), entry => entry.Id.Id == MqttLogEvents.DisconnectedByServer && entry.Message.Contains("ServerShuttingDown", StringComparison.Ordinal)
            && entry.Message.Contains("maintenance", StringComparison.Ordinal));
        broker.DropConnection();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Without_automatic_reconnect_a_server_DISCONNECT_faults_Completion_with_its_reason()
    {
        await using var broker = new FakeBroker(MqttProtocolVersion.V500);
        await using var client = new MqttClient(broker.Options("v5-server-disconnect-final"));
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        await broker.SendAsync(new MqttDisconnectPacket(MqttReasonCode.SessionTakenOver));

        var failure = await Assert.ThrowsAsync<MqttDisconnectedByServerException>(() => client.Completion.WaitAsync(Broker.Timeout));
        Assert.Equal(MqttReasonCode.SessionTakenOver, failure.ReasonCode);
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData("AUTH", MqttProtocolError.UnexpectedPacket, MqttReasonCode.ProtocolError)]
    [InlineData("topic alias", MqttProtocolError.TopicAliasInvalid, MqttReasonCode.TopicAliasInvalid)]
    [InlineData("duplicate property", MqttProtocolError.DuplicateProperty, MqttReasonCode.ProtocolError)]
    [InlineData("oversize", MqttProtocolError.PacketTooLarge, MqttReasonCode.PacketTooLarge)]
    public async Task A_protocol_violation_closes_with_a_DISCONNECT_carrying_the_reason(string violation, MqttProtocolError expected, MqttReasonCode sentReason)
    {
        await using var broker = new FakeBroker(MqttProtocolVersion.V500);
        var options = broker.Options("v5-violation");
        options.MaximumIncomingPacketSize = 1024;
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = new MqttClient(options, logger);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        await broker.SendAsync(violation switch
        {
            "AUTH" => PacketBytes.Encode(new MqttAuthPacket(MqttReasonCode.ContinueAuthentication), MqttProtocolVersion.V500),
            "topic alias" => PacketBytes.Encode(new MqttPublishPacket { Topic = "t", Properties = new MqttProperties { TopicAlias = 1 } }, MqttProtocolVersion.V500),
            "duplicate property" => [0x40, 0x0B, 0x00, 0x01, 0x80, 0x07, 0x1F, 0x00, 0x01, 0x61, 0x1F, 0x00, 0x00],
            _ => PacketBytes.Encode(new MqttPublishPacket { Topic = "t", Payload = new byte[2000] }, MqttProtocolVersion.V500),
        });

        var failure = await Assert.ThrowsAsync<MqttProtocolException>(() => client.Completion.WaitAsync(Broker.Timeout));
        var disconnect = Assert.IsType<MqttDisconnectPacket>(await broker.ReceiveAsync());
        Assert.Equal(expected, failure.Error);
        Assert.Equal(sentReason, disconnect.ReasonCode);
        Assert.Contains(logger.Collector.GetSnapshot(), entry => entry.Id.Id == MqttLogEvents.ProtocolViolation && entry.Message.Contains(expected.ToString(), StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_broker_exceeding_our_receive_maximum_is_counted_and_logged_once_and_its_messages_are_accepted()
    {
        await using var broker = new FakeBroker(MqttProtocolVersion.V500);
        var options = broker.Options("v5-receive-maximum");
        options.ReceiveMaximum = 2;
        options.AutoAcknowledge = false;
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = new MqttClient(options, logger);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        // Two unacknowledged messages are within the window; one acknowledged frees its slot.
        for (ushort id = 1; id <= 2; id++)
        {
            await broker.SendAsync(new MqttPublishPacket { Topic = "t", QualityOfService = MqttQualityOfService.AtLeastOnce, PacketIdentifier = id });
        }

        await (await client.ReceiveAsync()).AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
        Assert.Equal(1, Assert.IsType<MqttPubAckPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        await broker.SendAsync(new MqttPublishPacket { Topic = "t", QualityOfService = MqttQualityOfService.ExactlyOnce, PacketIdentifier = 3 });
        var second = await client.ReceiveAsync();
        Assert.Equal(2, second.PacketIdentifier);
        var third = await client.ReceiveAsync();
        Assert.Equal(3, third.PacketIdentifier);
        Assert.Equal(0, client.ReceiveMaximumExcesses);

        // A third and a fourth unacknowledged one exceed it (§3.3.4): accepted and delivered, counted each, logged once.
        await broker.SendAsync(new MqttPublishPacket { Topic = "t", QualityOfService = MqttQualityOfService.AtLeastOnce, PacketIdentifier = 4 });
        await broker.SendAsync(new MqttPublishPacket { Topic = "t", QualityOfService = MqttQualityOfService.ExactlyOnce, PacketIdentifier = 5 });
        var fourth = await client.ReceiveAsync();
        Assert.Equal(4, fourth.PacketIdentifier);
        Assert.Equal(5, (await client.ReceiveAsync()).PacketIdentifier);
        Assert.Equal(2, client.ReceiveMaximumExcesses);
        Assert.Single(logger.Collector.GetSnapshot(), entry => entry.Id.Id == MqttLogEvents.ReceiveMaximumExceeded && entry.Level == LogLevel.Warning);

        // The connection stays, and the acknowledgements of the excess messages go out as usual.
        await second.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
        Assert.Equal(2, Assert.IsType<MqttPubAckPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        await fourth.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
        Assert.Equal(4, Assert.IsType<MqttPubAckPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        Assert.True(client.IsConnected);
        Assert.False(client.Completion.IsCompleted);
        logger.Collector.AssertNoErrors();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task The_server_receive_maximum_limits_publishes_in_flight()
    {
        await using var broker = new FakeBroker(MqttProtocolVersion.V500);
        var options = broker.Options("v5-server-window");
        options.MaximumInFlightPublishes = 10;
        await using var client = new MqttClient(options);
        var accepted = broker.AcceptAsync(connAckProperties: new MqttProperties { ReceiveMaximum = 2 });
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        var publishes = Enumerable.Range(0, 3)
            .Select(index => client.PublishAsync(new MqttApplicationMessage("t", new[] { (byte)index }), CancellationToken.None))
            .ToArray();
        var first = Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        Assert.Equal(2, client.InFlightLimit);
        Assert.Equal(2, client.PendingRequestCount);

        await broker.SendAsync(new MqttPubAckPacket(first.PacketIdentifier));
        var third = Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        Assert.Equal(new byte[] { 2 }, third.Payload.ToArray());
        await publishes[0].WaitAsync(Broker.Timeout);
        broker.DropConnection();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Failure_codes_in_PUBACK_and_PUBREC_fail_the_publish_and_a_refused_QoS2_gets_no_PUBREL()
    {
        await using var broker = new FakeBroker(MqttProtocolVersion.V500);
        await using var client = new MqttClient(broker.Options("v5-refused-publish"));
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        var atLeastOnce = client.PublishAsync(new MqttApplicationMessage("t", new byte[] { 1 }), CancellationToken.None);
        var sent = Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        await broker.SendAsync(new MqttPubAckPacket(sent.PacketIdentifier) { ReasonCode = MqttReasonCode.QuotaExceeded, Properties = new MqttProperties { ReasonString = "full" } });
        var refused = await Assert.ThrowsAsync<MqttPublishException>(() => atLeastOnce.WaitAsync(Broker.Timeout));

        var exactlyOnce = client.PublishAsync(new MqttApplicationMessage("t", new byte[] { 2 }, MqttQualityOfService.ExactlyOnce), CancellationToken.None);
        sent = Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        await broker.SendAsync(new MqttPubRecPacket(sent.PacketIdentifier) { ReasonCode = MqttReasonCode.NotAuthorized });
        var refusedExactlyOnce = await Assert.ThrowsAsync<MqttPublishException>(() => exactlyOnce.WaitAsync(Broker.Timeout));

        Assert.Equal(MqttReasonCode.QuotaExceeded, refused.ReasonCode);
        Assert.Equal("full", refused.ReasonString);
        Assert.Equal(MqttReasonCode.NotAuthorized, refusedExactlyOnce.ReasonCode);
        Assert.Equal(0, client.PendingRequestCount);

        // The next packet the broker sees is a PINGREQ-free DISCONNECT, not a PUBREL for the refused message.
        var disconnect = client.DisconnectAsync(CancellationToken.None);
        Assert.IsType<MqttDisconnectPacket>(await broker.ReceiveAsync());
        broker.DropConnection();
        await disconnect.WaitAsync(Broker.Timeout);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Server_limits_from_CONNACK_are_honoured_before_anything_is_sent()
    {
        await using var broker = new FakeBroker(MqttProtocolVersion.V500);
        var options = broker.Options(string.Empty);
        options.KeepAlive = TimeSpan.Zero;
        await using var client = new MqttClient(options);
        var accepted = broker.AcceptAsync(connAckProperties: new MqttProperties
        {
            AssignedClientIdentifier = "auto-7", MaximumPacketSize = 64, MaximumQualityOfService = 1, RetainAvailable = 0, ServerKeepAlive = 1,
        });
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        Assert.Equal(string.Empty, (await accepted).ClientId);

        Assert.Equal("auto-7", client.ClientId);
        Assert.Equal(TimeSpan.FromSeconds(1), client.EffectiveKeepAlive);
        await Assert.ThrowsAsync<MqttPacketTooLargeException>(() => client.PublishAsync(new MqttApplicationMessage("t", new byte[100]), CancellationToken.None));
        var qos = await Assert.ThrowsAsync<MqttPublishException>(
            () => client.PublishAsync(new MqttApplicationMessage("t", new byte[1], MqttQualityOfService.ExactlyOnce), CancellationToken.None));
        var retain = await Assert.ThrowsAsync<MqttPublishException>(
            () => client.PublishAsync(new MqttApplicationMessage("t", new byte[1], retain: true), CancellationToken.None));
        Assert.Equal(MqttReasonCode.QualityOfServiceNotSupported, qos.ReasonCode);
        Assert.Equal(MqttReasonCode.RetainNotSupported, retain.ReasonCode);
        Assert.Equal(0, client.PendingRequestCount);

        // Server Keep Alive 1 s replaces our 0 (§3.2.2.3.14): the first packet on the wire is a PINGREQ.
        Assert.IsType<MqttPingReqPacket>(await broker.ReceiveAsync());
        broker.DropConnection();
    }

    [Fact]
    public void Options_refuse_v5_settings_on_311_and_a_v5_persistent_session_without_expiry()
    {
        var options = new MqttClientOptions { TimeProvider = TimeProvider.System, ClientId = "c", SessionExpiryInterval = TimeSpan.FromHours(1) };
        Assert.Contains("SessionExpiryInterval", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);

        options = new MqttClientOptions { TimeProvider = TimeProvider.System, ClientId = "c", ProtocolVersion = MqttProtocolVersion.V500, CleanSession = false };
        Assert.Contains("7 days", Assert.Throws<ArgumentException>(options.Validate).Message, StringComparison.Ordinal);

        options = new MqttClientOptions { TimeProvider = TimeProvider.System, ClientId = string.Empty };
        Assert.Throws<ArgumentException>(options.Validate);
        options.ProtocolVersion = MqttProtocolVersion.V500;
        options.Validate();

        options = new MqttClientOptions { TimeProvider = TimeProvider.System, ClientId = "c", ProtocolVersion = MqttProtocolVersion.V500, ReceiveMaximum = 0 };
        Assert.Throws<ArgumentException>(options.Validate);

        options = new MqttClientOptions
        {
            TimeProvider = TimeProvider.System,
            ClientId = "c", WillMessage = new MqttApplicationMessage("s", "x"u8.ToArray()) { UserProperties = [new("k", "v")] },
        };
        Assert.Throws<ArgumentException>(options.Validate);
        Assert.Throws<ArgumentException>(() => new MqttTopicFilter("$share/g/t", MqttQualityOfService.AtLeastOnce) { NoLocal = true });
    }

    [Fact(Timeout = TestTimeout)]
    public async Task An_MQTT_311_client_refuses_to_send_v5_properties_or_options()
    {
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(broker.Options("v311-refuses-v5"));
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        await Assert.ThrowsAsync<ArgumentException>(() => client.PublishAsync(
            new MqttApplicationMessage("t", new byte[1]) { UserProperties = [new("k", "v")] }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SubscribeAsync(
            [new MqttTopicFilter("t", MqttQualityOfService.AtLeastOnce) { NoLocal = true }], CancellationToken.None));

        Assert.True(client.IsConnected);
        Assert.Equal(0, client.PendingRequestCount);
        broker.DropConnection();
    }
}
