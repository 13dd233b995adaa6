using System.Globalization;
using MedIoT.Mqtt.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Mqtt.Tests;

/// <summary>Reconnects, persistent sessions, will messages and QoS 2 against a real mosquitto 2.0 that is cut off or killed.</summary>
public sealed class MqttResilienceTests
{
    private const int TestTimeout = 60_000;
    private const int StreamLength = 300;

    [Theory(Timeout = TestTimeout)]
    [InlineData(MqttQualityOfService.AtLeastOnce, MqttProtocolVersion.V311)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttProtocolVersion.V311)]
    [InlineData(MqttQualityOfService.AtLeastOnce, MqttProtocolVersion.V500)]
    [InlineData(MqttQualityOfService.ExactlyOnce, MqttProtocolVersion.V500)]
    public async Task Killing_and_restarting_mosquitto_mid_stream_to_a_persistent_session_loses_no_message(MqttQualityOfService qualityOfService, MqttProtocolVersion version)
    {
        // The client's side of the contract: a broker that saves every change (the shipped configuration saves every
        // second instead, see configs/mosquitto/mosquitto.conf) must not lose a message through our client, and QoS 2
        // must stay exactly once across its crash.
        await using var server = await MosquittoServer.StartAsync(["autosave_on_changes true"]);
        var subscriberOptions = PersistentOptions(server, server.Port, $"kill-sub-{(int)qualityOfService}", version);

        // A small buffer keeps most of the stream queued in the broker (TCP back-pressure) when it is killed.
        subscriberOptions.ReceiveBufferCapacity = 16;
        await using var subscriber = await server.ConnectAsync(subscriberOptions);
        await subscriber.SubscribeAsync([new MqttTopicFilter("stream", qualityOfService)], CancellationToken.None).WaitAsync(Broker.Timeout);
        var publisherOptions = PersistentOptions(server, server.Port, $"kill-pub-{(int)qualityOfService}", version);
        publisherOptions.MaximumInFlightPublishes = 20;
        await using var publisher = await server.ConnectAsync(publisherOptions);

        // The first half is with the broker (PUBACK/PUBCOMP) before the kill; the second half is published
        // after the restart through the same reconnecting publisher.
        await Task.WhenAll(PublishStream(publisher, "stream", qualityOfService, 0, StreamLength / 2)).WaitAsync(Broker.Timeout);
        Task[] secondHalf = [];
        var received = await ReceiveStreamAsync(subscriber, atDistinct: StreamLength / 6, async () =>
        {
            await server.KillAsync();
            await server.RestartAsync();
            secondHalf = PublishStream(publisher, "stream", qualityOfService, StreamLength / 2, StreamLength / 2);
        });
        await Task.WhenAll(secondHalf).WaitAsync(Broker.Timeout);

        AssertComplete(received, exactlyOnce: qualityOfService == MqttQualityOfService.ExactlyOnce);
        Assert.True(subscriber.ConnectionCount >= 2, "The subscriber never reconnected; the broker was not killed mid-stream.");
        Assert.True(publisher.ConnectionCount >= 2);
        Assert.Equal(0, publisher.PendingRequestCount);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Cutting_the_socket_mid_stream_reconnects_a_persistent_session_without_loss()
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var proxy = new LoopbackProxy(server.Port);
        await using var subscriber = await server.ConnectAsync(PersistentOptions(server, proxy.Port, "cut-subscriber"));
        await subscriber.SubscribeAsync([new MqttTopicFilter("cut", MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
        await using var publisher = await server.ConnectAsync("cut-publisher");

        var publishes = PublishStream(publisher, "cut", MqttQualityOfService.AtLeastOnce);
        var received = await ReceiveStreamAsync(subscriber, atDistinct: StreamLength / 3, () =>
        {
            proxy.Cut();
            return Task.CompletedTask;
        });
        await Task.WhenAll(publishes).WaitAsync(Broker.Timeout);

        AssertComplete(received, exactlyOnce: false);
        Assert.True(subscriber.ConnectionCount >= 2, $"{subscriber.ConnectionCount} connections");
        Assert.True(proxy.AcceptedCount >= 2, $"{proxy.AcceptedCount} relayed connections");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_clean_session_client_resubscribes_after_its_socket_is_cut()
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var proxy = new LoopbackProxy(server.Port);
        var options = server.Options("resubscriber");
        options.Port = proxy.Port;
        options.AutomaticReconnect = true;
        options.ReconnectInitialDelay = TimeSpan.FromMilliseconds(50);
        await using var subscriber = await server.ConnectAsync(options);
        var reconnected = new TaskCompletionSource<MqttConnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.Connected += (_, e) => reconnected.TrySetResult(e);
        await subscriber.SubscribeAsync([new MqttTopicFilter("resubscribed", MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
        await using var publisher = await server.ConnectAsync("resubscribe-publisher");

        proxy.Cut();
        var connected = await reconnected.Task.WaitAsync(Broker.Timeout);
        await publisher.PublishAsync(new MqttApplicationMessage("resubscribed", Broker.Utf8("after the cut")), CancellationToken.None).WaitAsync(Broker.Timeout);

        Assert.False(connected.SessionPresent);
        Assert.True(connected.IsReconnect);
        Assert.Equal("after the cut", (await subscriber.ReceiveAsync()).Text());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task The_will_announces_offline_when_the_connection_dies_and_the_online_message_follows_every_connect()
    {
        const string StatusTopic = "mediot/v1/gateways/gw-ward3/status";
        await using var server = await MosquittoServer.StartAsync();
        await using var proxy = new LoopbackProxy(server.Port);
        await using var observer = await server.ConnectAsync("status-observer");
        await observer.SubscribeAsync([new MqttTopicFilter(StatusTopic, MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
        var options = server.Options("gw-ward3");
        options.Port = proxy.Port;
        options.AutomaticReconnect = true;
        options.ReconnectInitialDelay = TimeSpan.FromMilliseconds(50);
        options.WillMessage = new MqttApplicationMessage(StatusTopic, Broker.Utf8("offline"), MqttQualityOfService.AtLeastOnce, retain: true);
        options.OnlineMessage = new MqttApplicationMessage(StatusTopic, Broker.Utf8("online"), MqttQualityOfService.AtLeastOnce, retain: true);
        await using var gateway = await server.ConnectAsync(options);

        Assert.Equal("online", (await observer.ReceiveAsync()).Text());
        proxy.Cut();
        Assert.Equal("offline", (await observer.ReceiveAsync()).Text());
        Assert.Equal("online", (await observer.ReceiveAsync()).Text());

        // Retained: a late subscriber learns the current status at once.
        await using var late = await server.ConnectAsync("late-observer");
        await late.SubscribeAsync([new MqttTopicFilter(StatusTopic, MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
        var retained = await late.ReceiveAsync();
        Assert.Equal("online", retained.Text());
        Assert.True(retained.Retain);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task QoS2_messages_published_concurrently_arrive_exactly_once_in_order_with_manual_acknowledgement()
    {
        const int Count = 200;
        await using var server = await MosquittoServer.StartAsync();
        var subscriberOptions = server.Options("qos2-subscriber");
        subscriberOptions.AutoAcknowledge = false;
        await using var subscriber = await server.ConnectAsync(subscriberOptions);
        var granted = await subscriber.SubscribeAsync([new MqttTopicFilter("qos2", MqttQualityOfService.ExactlyOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
        Assert.Equal(MqttQualityOfService.ExactlyOnce, Assert.Single(granted).GrantedQualityOfService);
        var publisherOptions = server.Options("qos2-publisher");
        publisherOptions.MaximumInFlightPublishes = 16;
        await using var publisher = await server.ConnectAsync(publisherOptions);

        var publishes = Enumerable.Range(0, Count)
            .Select(index => publisher.PublishAsync(
                new MqttApplicationMessage("qos2", Broker.Utf8(index.ToString(CultureInfo.InvariantCulture)), MqttQualityOfService.ExactlyOnce),
                CancellationToken.None))
            .ToArray();
        for (var expected = 0; expected < Count; expected++)
        {
            var message = await subscriber.ReceiveAsync();
            Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), message.Text());
            Assert.Equal(MqttQualityOfService.ExactlyOnce, message.QualityOfService);
            await message.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
        }

        await Task.WhenAll(publishes).WaitAsync(Broker.Timeout);
        Assert.Equal(0, publisher.PendingRequestCount);
        Assert.False(subscriber.Messages.TryRead(out var extra), $"Unexpected extra message '{extra?.Text()}'.");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task QoS2_interoperates_with_mosquitto_pub_and_mosquitto_sub()
    {
        await using var server = await MosquittoServer.StartAsync();
        var port = server.Port.ToString(CultureInfo.InvariantCulture);
        using var mosquittoSubscriber = ToolProcess.Start(
            "stdbuf", ["-oL", ServerBinary.Require("mosquitto_sub", "mosquitto-clients"),
            "-h", server.Host, "-p", port, .. server.ToolCredentials(), "-t", "interop/qos2/out", "-C", "2", "-q", "2", "-d"]);
        await mosquittoSubscriber.WaitForLineAsync("SUBACK");
        await using var client = await server.ConnectAsync("qos2-interop");
        await client.SubscribeAsync([new MqttTopicFilter("interop/qos2/in", MqttQualityOfService.ExactlyOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);

        await ToolProcess.RunAsync("mosquitto_pub", ["-h", server.Host, "-p", port, .. server.ToolCredentials(), "-t", "interop/qos2/in", "-m", "rr=16", "-q", "2"]);
        var incoming = await client.ReceiveAsync();
        for (var index = 0; index < 2; index++)
        {
            await client.PublishAsync(
                new MqttApplicationMessage("interop/qos2/out", Broker.Utf8($"temp-{index}"), MqttQualityOfService.ExactlyOnce), CancellationToken.None)
                .WaitAsync(Broker.Timeout);
        }

        await mosquittoSubscriber.Exited.WaitAsync(Broker.Timeout);
        Assert.Equal("rr=16", incoming.Text());
        Assert.Equal(MqttQualityOfService.ExactlyOnce, incoming.QualityOfService);
        Assert.Equal(0, mosquittoSubscriber.ExitCode);
        Assert.Equal(["temp-0", "temp-1"], mosquittoSubscriber.Lines.Where(line => line.StartsWith("temp-", StringComparison.Ordinal)));
        Assert.Contains(mosquittoSubscriber.Lines, line => line.Contains("PUBREL", StringComparison.Ordinal));
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task Two_subscribers_of_a_shared_subscription_split_a_stream_and_the_remaining_one_takes_the_rest(MqttProtocolVersion version)
    {
        const int Half = 100;
        const string Shared = "$share/gateways/ward/3/frames";
        await using var server = await MosquittoServer.StartAsync();
        var firstOptions = server.Options("shared-1");
        firstOptions.ProtocolVersion = version;
        var secondOptions = server.Options("shared-2");
        secondOptions.ProtocolVersion = version;
        await using var first = await server.ConnectAsync(firstOptions);
        await using var second = await server.ConnectAsync(secondOptions);
        await first.SubscribeAsync([new MqttTopicFilter(Shared, MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
        await second.SubscribeAsync([new MqttTopicFilter(Shared, MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
        await using var publisher = await server.ConnectAsync("shared-publisher");

        await Task.WhenAll(Enumerable.Range(0, Half).Select(index => publisher.PublishAsync(
            new MqttApplicationMessage("ward/3/frames", Broker.Utf8(index.ToString(CultureInfo.InvariantCulture))), CancellationToken.None))).WaitAsync(Broker.Timeout);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var byFirst = 0;
        var bySecond = 0;
        while (seen.Count < Half)
        {
            // Both read concurrently; whichever has a message next.
            var reads = new[] { first.Messages.WaitToReadAsync().AsTask(), second.Messages.WaitToReadAsync().AsTask() };
            await Task.WhenAny(reads).WaitAsync(Broker.Timeout);
            while (first.Messages.TryRead(out var message))
            {
                byFirst++;
                seen[message.Text()] = seen.GetValueOrDefault(message.Text()) + 1;
            }

            while (second.Messages.TryRead(out var message))
            {
                bySecond++;
                seen[message.Text()] = seen.GetValueOrDefault(message.Text()) + 1;
            }
        }

        Assert.True(byFirst > 0 && bySecond > 0, $"Not split: {byFirst} and {bySecond}.");
        Assert.Equal(Half, byFirst + bySecond);
        Assert.All(seen.Values, count => Assert.Equal(1, count));

        // One member leaves the group: the other gets everything that follows.
        await second.DisconnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        await Task.WhenAll(Enumerable.Range(Half, Half).Select(index => publisher.PublishAsync(
            new MqttApplicationMessage("ward/3/frames", Broker.Utf8(index.ToString(CultureInfo.InvariantCulture))), CancellationToken.None))).WaitAsync(Broker.Timeout);
        var rest = new HashSet<string>(StringComparer.Ordinal);
        while (rest.Count < Half)
        {
            Assert.True(rest.Add((await first.ReceiveAsync()).Text()));
        }

        Assert.Equal(Enumerable.Range(Half, Half).Select(index => index.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), rest.Order(StringComparer.Ordinal));
    }

    /// <summary>The test account's options for a persistent, reconnecting session through <paramref name="port"/> (the broker's or a proxy's).</summary>
    private static MqttClientOptions PersistentOptions(MosquittoServer server, int port, string clientId, MqttProtocolVersion version = MqttProtocolVersion.V311) => new()
    {
        TimeProvider = TimeProvider.System,
        Username = server.TestAccount?.Username,
        Password = server.TestAccount?.Password,
        ProtocolVersion = version,
        // MQTT 5.0: the session must outlive the connection (§3.1.2.11.2); 3.1.1 keeps it without expiry.
        SessionExpiryInterval = version == MqttProtocolVersion.V500 ? TimeSpan.FromHours(1) : TimeSpan.Zero,
        Port = port,
        ClientId = clientId,
        CleanSession = false,
        AutoAcknowledge = false,
        AutomaticReconnect = true,
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaximumDelay = TimeSpan.FromMilliseconds(400),
        KeepAlive = TimeSpan.FromSeconds(5),
    };

    private static Task[] PublishStream(MqttClient publisher, string topic, MqttQualityOfService qualityOfService, int start = 0, int count = StreamLength) =>
        [.. Enumerable.Range(start, count).Select(index => publisher.PublishAsync(
            new MqttApplicationMessage(topic, Broker.Utf8(index.ToString(CultureInfo.InvariantCulture)), qualityOfService), CancellationToken.None))];

    /// <summary>Receives and acknowledges until every message of the stream was seen; runs <paramref name="fault"/> once midway.</summary>
    private static async Task<Dictionary<string, int>> ReceiveStreamAsync(MqttClient subscriber, int atDistinct, Func<Task> fault)
    {
        var received = new Dictionary<string, int>(StringComparer.Ordinal);
        var faulted = false;
        while (received.Count < StreamLength)
        {
            MqttReceivedMessage message;
            try
            {
                message = await subscriber.ReceiveAsync();
            }
            catch (TimeoutException)
            {
                AssertComplete(received, exactlyOnce: false);
                throw;
            }

            received[message.Text()] = received.GetValueOrDefault(message.Text()) + 1;
            await message.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
            if (!faulted && received.Count >= atDistinct)
            {
                faulted = true;
                await fault();
            }
        }

        return received;
    }

    private static void AssertComplete(Dictionary<string, int> received, bool exactlyOnce)
    {
        var missing = Enumerable.Range(0, StreamLength).Select(index => index.ToString(CultureInfo.InvariantCulture)).Where(key => !received.ContainsKey(key)).ToArray();
        Assert.True(missing.Length == 0, $"Lost: {string.Join(", ", missing)}");
        if (exactlyOnce)
        {
            var duplicates = received.Where(pair => pair.Value > 1).Select(pair => $"{pair.Key}×{pair.Value}").ToArray();
            Assert.True(duplicates.Length == 0, $"Delivered more than once: {string.Join(", ", duplicates)}");
        }
    }
}
