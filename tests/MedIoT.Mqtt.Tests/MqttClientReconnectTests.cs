using System.Diagnostics.Metrics;
using MedIoT.Mqtt.Internal;
using MedIoT.Mqtt.Packets;
using MedIoT.Mqtt.Tests.Support;
using MedIoT.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Mqtt.Tests;

/// <summary>Reconnect, session resumption and QoS 2 state, byte-exact against <see cref="FakeBroker"/>.</summary>
public sealed class MqttClientReconnectTests
{
    private const int TestTimeout = 30_000;
    private const int DuplicateExactlyOnceEvent = 15;
    private const int ReconnectingEvent = 11;

    [Fact(Timeout = TestTimeout)]
    public async Task After_a_dropped_connection_the_client_reconnects_resends_the_unacknowledged_publish_with_DUP_and_resubscribes()
    {
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(ReconnectingOptions(broker, "reconnector"));
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource<MqttConnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, e) => lost.TrySetResult(e.Reason);
        client.Connected += (_, e) =>
        {
            if (e.IsReconnect)
            {
                reconnected.TrySetResult(e);
            }
        };
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;
        await SubscribeAsync(client, broker, "ward/#");

        var publish = client.PublishAsync(new MqttApplicationMessage("ward/3/vitals", new byte[] { 42 }), CancellationToken.None);
        var first = Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        Assert.False(first.Duplicate);
        broker.DropConnection();

        var reconnect = await broker.AcceptAsync(sessionPresent: false);
        Assert.Equal("reconnector", reconnect.ClientId);
        Assert.False(reconnect.CleanSession);
        Assert.IsAssignableFrom<IOException>(await lost.Task.WaitAsync(Broker.Timeout));

        // §4.4: the unacknowledged PUBLISH again, same identifier, DUP set; then the forgotten subscription.
        var resent = Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        Assert.True(resent.Duplicate);
        Assert.Equal(first.PacketIdentifier, resent.PacketIdentifier);
        Assert.Equal(new byte[] { 42 }, resent.Payload.ToArray());
        var resubscribe = Assert.IsType<MqttSubscribePacket>(await broker.ReceiveAsync());
        Assert.Equal("ward/#", Assert.Single(resubscribe.Filters).Filter);
        await broker.SendAsync([
            .. PacketBytes.Encode(new MqttSubAckPacket(resubscribe.PacketIdentifier, [MqttSubscribeReturnCode.GrantedQualityOfService1])),
            .. PacketBytes.Encode(new MqttPubAckPacket(first.PacketIdentifier))]);

        await publish.WaitAsync(Broker.Timeout);
        var connected = await reconnected.Task.WaitAsync(Broker.Timeout);
        Assert.False(connected.SessionPresent);
        Assert.Equal(2, client.ConnectionCount);
        Assert.True(client.IsConnected);
        Assert.False(client.Completion.IsCompleted);
        Assert.Equal(0, client.PendingRequestCount);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_QoS2_publish_awaiting_PUBCOMP_resends_PUBREL_on_a_resumed_session_without_resubscribing()
    {
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(ReconnectingOptions(broker, "exactly-once-publisher"));
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;
        await SubscribeAsync(client, broker, "alarms");

        var publish = client.PublishAsync(new MqttApplicationMessage("alarms", new byte[] { 7 }, MqttQualityOfService.ExactlyOnce), CancellationToken.None);
        var sent = Assert.IsType<MqttPublishPacket>(await broker.ReceiveAsync());
        Assert.Equal(MqttQualityOfService.ExactlyOnce, sent.QualityOfService);
        await broker.SendAsync(PacketBytes.Encode(new MqttPubRecPacket(sent.PacketIdentifier)));
        Assert.Equal(sent.PacketIdentifier, Assert.IsType<MqttPubRelPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        Assert.False(publish.IsCompleted);
        broker.DropConnection();

        await broker.AcceptAsync(sessionPresent: true);

        // §4.4: the PUBREL again, never the PUBLISH; no SUBSCRIBE since the broker kept the session.
        Assert.Equal(sent.PacketIdentifier, Assert.IsType<MqttPubRelPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        await broker.SendAsync(PacketBytes.Encode(new MqttPubCompPacket(sent.PacketIdentifier)));
        await publish.WaitAsync(Broker.Timeout);
        var disconnect = client.DisconnectAsync(CancellationToken.None);
        Assert.IsType<MqttDisconnectPacket>(await broker.ReceiveAsync());
        broker.DropConnection();
        await disconnect.WaitAsync(Broker.Timeout);
        await client.Completion.WaitAsync(Broker.Timeout);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_dead_connection_found_by_keep_alive_is_replaced_by_a_new_one()
    {
        await using var broker = new FakeBroker();
        var options = ReconnectingOptions(broker, "keep-alive-reconnect");
        options.KeepAlive = TimeSpan.FromSeconds(1);
        await using var client = new MqttClient(options);
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ConnectionLost += (_, e) => lost.TrySetResult(e.Reason);
        client.Connected += (_, e) =>
        {
            if (e.IsReconnect)
            {
                reconnected.TrySetResult();
            }
        };
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        Assert.IsType<MqttPingReqPacket>(await broker.ReceiveAsync());
        var reconnect = broker.AcceptAsync(sessionPresent: true);

        Assert.IsType<MqttKeepAliveTimeoutException>(await lost.Task.WaitAsync(Broker.Timeout));
        await reconnect;
        await reconnected.Task.WaitAsync(Broker.Timeout);
        Assert.Equal(2, client.ConnectionCount);
        Assert.False(client.Completion.IsCompleted);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_received_QoS2_message_reaches_the_application_once_and_PUBREC_waits_for_its_acknowledgement()
    {
        await using var broker = new FakeBroker();
        var options = broker.Options("exactly-once-receiver");
        options.AutoAcknowledge = false;
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = new MqttClient(options, logger);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;
        var publish = Publish(7, "first", duplicate: false);

        await broker.SendAsync(publish);
        var message = await client.ReceiveAsync();
        Assert.Equal(MqttQualityOfService.ExactlyOnce, message.QualityOfService);
        Assert.Equal("first", message.Text());

        // A redelivery before the application acknowledged: nothing new for the application, no PUBREC yet.
        await broker.SendAsync(Publish(7, "first", duplicate: true));
        await logger.Collector.WaitForAsync(record => record.Id.Id == DuplicateExactlyOnceEvent, Broker.Timeout);
        await message.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
        Assert.Equal(7, Assert.IsType<MqttPubRecPacket>(await broker.ReceiveAsync()).PacketIdentifier);

        // A redelivery after the PUBREC (as if it were lost): PUBREC again, still not delivered (§4.3.3).
        await broker.SendAsync(Publish(7, "first", duplicate: true));
        Assert.Equal(7, Assert.IsType<MqttPubRecPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        Assert.Equal(1, client.IncomingExactlyOnceCount);

        await broker.SendAsync(PacketBytes.Encode(new MqttPubRelPacket(7)));
        Assert.Equal(7, Assert.IsType<MqttPubCompPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        Assert.Equal(0, client.IncomingExactlyOnceCount);
        Assert.False(client.Messages.TryRead(out var duplicate), $"Delivered twice: '{duplicate?.Text()}'.");

        // Released: the identifier is free, and a new message with it is a new message.
        await broker.SendAsync(Publish(7, "second", duplicate: false));
        Assert.Equal("second", (await client.ReceiveAsync()).Text());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_QoS2_message_acknowledged_after_a_reconnect_sends_its_PUBREC_on_the_new_connection_and_is_not_delivered_again()
    {
        await using var broker = new FakeBroker();
        var options = ReconnectingOptions(broker, "exactly-once-across-reconnect");
        options.AutoAcknowledge = false;
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = new MqttClient(options, logger);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;
        await broker.SendAsync(Publish(9, "held", duplicate: false));
        var message = await client.ReceiveAsync();

        broker.DropConnection();
        await broker.AcceptAsync(sessionPresent: true);
        await broker.SendAsync(Publish(9, "held", duplicate: true));
        await logger.Collector.WaitForAsync(record => record.Id.Id == DuplicateExactlyOnceEvent, Broker.Timeout);
        await message.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);

        Assert.Equal(9, Assert.IsType<MqttPubRecPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        await broker.SendAsync(PacketBytes.Encode(new MqttPubRelPacket(9)));
        Assert.Equal(9, Assert.IsType<MqttPubCompPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        Assert.False(client.Messages.TryRead(out _));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_PUBREL_for_a_message_the_application_still_holds_is_answered_and_the_message_keeps_its_state()
    {
        await using var broker = new FakeBroker();
        var options = broker.Options("early-pubrel");
        options.AutoAcknowledge = false;
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = new MqttClient(options, logger);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;
        await broker.SendAsync(Publish(3, "held", duplicate: false));
        var message = await client.ReceiveAsync();

        // As from a restarted broker whose saved state predates this message: PUBREL for an earlier use of id 3.
        await broker.SendAsync(PacketBytes.Encode(new MqttPubRelPacket(3)));
        Assert.Equal(3, Assert.IsType<MqttPubCompPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        await broker.SendAsync(Publish(3, "held", duplicate: true));
        await logger.Collector.WaitForAsync(record => record.Id.Id == DuplicateExactlyOnceEvent, Broker.Timeout);
        await message.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);

        Assert.Equal(3, Assert.IsType<MqttPubRecPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        Assert.False(client.Messages.TryRead(out _));
        Assert.True(client.IsConnected);
        Assert.Contains(logger.Collector.GetSnapshot(), entry => entry.Id.Id == MqttLogEvents.ReleaseOfHeldMessage);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_QoS2_PUBLISH_reusing_a_held_identifier_without_DUP_is_a_new_message_as_after_a_broker_crash()
    {
        await using var broker = new FakeBroker();
        var options = broker.Options("reused-identifier");
        options.AutoAcknowledge = false;
        await using var client = new MqttClient(options);
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;
        await broker.SendAsync(Publish(4, "before the crash", duplicate: false));
        var old = await client.ReceiveAsync();

        // §3.3.1.1: DUP 0 is a first attempt; mosquitto 2.0 renumbers its queue after a restart from its database.
        await broker.SendAsync(Publish(4, "after the crash", duplicate: false));
        var renumbered = await client.ReceiveAsync();
        Assert.Equal("after the crash", renumbered.Text());

        // The older delivery no longer owns identifier 4: acknowledging it sends nothing; the new one's PUBREC goes out.
        await old.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
        await renumbered.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
        Assert.Equal(4, Assert.IsType<MqttPubRecPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        await broker.SendAsync(PacketBytes.Encode(new MqttPubRelPacket(4)));
        Assert.Equal(4, Assert.IsType<MqttPubCompPacket>(await broker.ReceiveAsync()).PacketIdentifier);
        Assert.Equal(0, client.IncomingExactlyOnceCount);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_protocol_violation_is_counted_on_the_MedIoT_Mqtt_meter_tagged_with_the_error()
    {
        var recorded = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MqttMetrics.MeterName && instrument.Name == "mediot.mqtt.protocol_errors")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            lock (recorded)
            {
                foreach (var tag in tags)
                {
                    recorded.Add($"{tag.Key}={tag.Value}");
                }
            }
        });
        listener.Start();
        await using var broker = new FakeBroker();
        await using var client = new MqttClient(broker.Options("counted-violation"));
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        // A PUBREC for nothing this client published.
        await broker.SendAsync(PacketBytes.Encode(new MqttPubRecPacket(77)));

        var failure = await Assert.ThrowsAsync<MqttProtocolException>(() => client.Completion.WaitAsync(Broker.Timeout));
        Assert.Equal(MqttProtocolError.UnknownPacketIdentifier, failure.Error);
        lock (recorded)
        {
            Assert.Contains("error=UnknownPacketIdentifier", recorded);
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task The_reconnect_delay_runs_on_the_configured_TimeProvider()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var broker = new FakeBroker();
        var options = ReconnectingOptions(broker, "clocked-reconnect");
        options.TimeProvider = clock;
        options.ReconnectInitialDelay = TimeSpan.FromSeconds(10);
        options.ReconnectMaximumDelay = TimeSpan.FromSeconds(10);
        options.ReconnectJitter = false;

        // The connect timeout runs on the same clock: far beyond what the test advances.
        options.ConnectTimeout = TimeSpan.FromHours(1);
        var logger = TestLogs.CreateLogger<MqttClient>();
        var client = new MqttClient(options, logger);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Connected += (_, e) =>
        {
            if (e.IsReconnect)
            {
                reconnected.TrySetResult();
            }
        };
        var accepted = broker.AcceptAsync();
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await accepted;

        broker.DropConnection();
        await logger.Collector.WaitForAsync(record => record.Id.Id == ReconnectingEvent, Broker.Timeout);
        var reconnect = broker.AcceptAsync(sessionPresent: true);

        // The wait is 10 s of the client's clock (jitter off); real time does not move it.
        clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(reconnect.IsCompleted);
        Assert.Equal(1, client.ConnectionCount);
        clock.Advance(TimeSpan.FromSeconds(0.2));
        await reconnect.WaitAsync(Broker.Timeout);
        await reconnected.Task.WaitAsync(Broker.Timeout);

        var disposed = client.DisposeAsync().AsTask();
        Assert.IsType<MqttDisconnectPacket>(await broker.ReceiveAsync());
        broker.DropConnection();
        await disposed.WaitAsync(Broker.Timeout);
        Assert.Equal(2, client.ConnectionCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reconnect_delays_double_up_to_the_maximum_and_jitter_stays_within_it(bool jitter)
    {
        // Milliseconds on the real clock: the pipeline waits a few of them in all, and the delays it reports are exact.
        var options = new MqttClientOptions
        {
            Host = "127.0.0.1",
            ClientId = "backoff",
            TimeProvider = TimeProvider.System,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(1),
            ReconnectMaximumDelay = TimeSpan.FromMilliseconds(6),
            ReconnectJitter = jitter,
        };
        var delays = new List<TimeSpan>();
        var attempts = new List<int>();
        var pipeline = ReconnectBackoff.Create<int>(options, exception => exception is IOException, (delay, attempt) =>
        {
            delays.Add(delay);
            attempts.Add(attempt);
        });

        var tries = 0;
        var result = await pipeline.ExecuteAsync(_ => ++tries <= 6 ? throw new IOException("broker gone") : ValueTask.FromResult(tries), CancellationToken.None)
            .AsTask().WaitAsync(Broker.Timeout);

        Assert.Equal(7, result);
        Assert.Equal([1, 2, 3, 4, 5, 6], attempts);
        if (jitter)
        {
            Assert.All(delays, delay => Assert.InRange(delay, TimeSpan.Zero, options.ReconnectMaximumDelay));
        }
        else
        {
            Assert.Equal([1, 2, 4, 6, 6, 6], delays.Select(value => value.TotalMilliseconds));
        }
    }

    [Fact]
    public async Task A_refused_attempt_that_is_not_retryable_ends_the_pipeline_at_once()
    {
        var options = new MqttClientOptions { Host = "127.0.0.1", ClientId = "backoff", TimeProvider = TimeProvider.System };
        var retries = 0;
        var pipeline = ReconnectBackoff.Create<int>(options, exception => exception is IOException, (_, _) => retries++);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await pipeline.ExecuteAsync<int>(_ => throw new InvalidOperationException("a programming error"), CancellationToken.None));
        Assert.Equal(0, retries);
    }

    internal static MqttClientOptions ReconnectingOptions(FakeBroker broker, string clientId)
    {
        var options = broker.Options(clientId);
        options.CleanSession = false;
        options.AutomaticReconnect = true;
        options.ReconnectInitialDelay = TimeSpan.FromMilliseconds(20);
        options.ReconnectMaximumDelay = TimeSpan.FromMilliseconds(200);
        return options;
    }

    private static async Task SubscribeAsync(MqttClient client, FakeBroker broker, string filter)
    {
        var subscribe = client.SubscribeAsync([new MqttTopicFilter(filter, MqttQualityOfService.AtLeastOnce)], CancellationToken.None);
        var packet = Assert.IsType<MqttSubscribePacket>(await broker.ReceiveAsync());
        await broker.SendAsync(PacketBytes.Encode(new MqttSubAckPacket(packet.PacketIdentifier, [MqttSubscribeReturnCode.GrantedQualityOfService1])));
        Assert.True(Assert.Single(await subscribe.WaitAsync(Broker.Timeout)).Succeeded);
    }

    private static byte[] Publish(ushort packetIdentifier, string text, bool duplicate) => PacketBytes.Encode(new MqttPublishPacket
    {
        Topic = "alarms",
        Payload = Broker.Utf8(text),
        QualityOfService = MqttQualityOfService.ExactlyOnce,
        PacketIdentifier = packetIdentifier,
        Duplicate = duplicate,
    });
}
