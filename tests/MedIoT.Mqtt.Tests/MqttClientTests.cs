using System.Globalization;
using MedIoT.Mqtt.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Mqtt.Tests;

/// <summary>The client against a real mosquitto 2.0.</summary>
public sealed class MqttClientTests
{
    private const int TestTimeout = 30_000;

    [Fact(Timeout = TestTimeout)]
    public async Task Connect_receives_CONNACK_and_reports_no_session_for_a_clean_session()
    {
        await using var server = await MosquittoServer.StartAsync();
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = await server.ConnectAsync(server.Options("connect-clean"), logger);

        Assert.True(client.IsConnected);
        Assert.False(client.SessionPresent);
        Assert.False(client.Completion.IsCompleted);
        logger.Collector.AssertNoErrors();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Connect_with_a_wrong_password_throws_with_the_NotAuthorized_return_code()
    {
        await using var server = await MosquittoServer.StartAsync();
        await server.AddAccountAsync("nurse", "correct-horse");
        var options = server.Options("wrong-password");
        options.Username = "nurse";
        options.Password = "wrong";
        var client = new MqttClient(options);

        var exception = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout));

        Assert.Equal(MqttConnectReturnCode.NotAuthorized, exception.ReturnCode);
        Assert.False(client.IsConnected);
        await Assert.ThrowsAsync<MqttConnectException>(() => client.Completion.WaitAsync(Broker.Timeout));
        await client.DisposeAsync();

        options.Password = "correct-horse";
        options.ClientId = "right-password";
        await using var authorised = await server.ConnectAsync(options);
        Assert.True(authorised.IsConnected);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Subscribe_reports_the_granted_QoS_for_each_filter()
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var client = await server.ConnectAsync("subscriber");

        var results = await client.SubscribeAsync(
            [new MqttTopicFilter("ward/+/bed/#", MqttQualityOfService.AtLeastOnce), new MqttTopicFilter("alarms", MqttQualityOfService.AtMostOnce)],
            CancellationToken.None).WaitAsync(Broker.Timeout);

        Assert.Collection(
            results,
            first => Assert.Equal(MqttQualityOfService.AtLeastOnce, first.GrantedQualityOfService),
            second => Assert.Equal(MqttQualityOfService.AtMostOnce, second.GrantedQualityOfService));
        Assert.All(results, result => Assert.True(result.Succeeded));
        Assert.Equal(0, client.PendingRequestCount);
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData(MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    public async Task A_published_message_reaches_a_subscribing_client(MqttQualityOfService qualityOfService)
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var subscriber = await server.ConnectAsync("subscriber");
        await using var publisher = await server.ConnectAsync("publisher");
        await subscriber.SubscribeAsync([new MqttTopicFilter("ward/3/bed/12/vitals", MqttQualityOfService.AtLeastOnce)], CancellationToken.None);

        await publisher.PublishAsync(new MqttApplicationMessage("ward/3/bed/12/vitals", Broker.Utf8("{\"hr\":72}"), qualityOfService), CancellationToken.None)
            .WaitAsync(Broker.Timeout);
        var message = await subscriber.ReceiveAsync();

        Assert.Equal("ward/3/bed/12/vitals", message.Topic);
        Assert.Equal("{\"hr\":72}", message.Text());
        Assert.Equal(qualityOfService, message.QualityOfService);
        Assert.False(message.Duplicate);
        Assert.Equal(qualityOfService == MqttQualityOfService.AtLeastOnce, message.PacketIdentifier != 0);
        Assert.Equal(0, publisher.PendingRequestCount);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_thousand_QoS1_messages_published_concurrently_arrive_once_and_in_order()
    {
        const int Count = 1000;
        await using var server = await MosquittoServer.StartAsync();
        await using var subscriber = await server.ConnectAsync("bulk-subscriber");
        var publisherOptions = server.Options("bulk-publisher");
        publisherOptions.MaximumInFlightPublishes = 50;
        await using var publisher = await server.ConnectAsync(publisherOptions);
        await subscriber.SubscribeAsync([new MqttTopicFilter("bulk", MqttQualityOfService.AtLeastOnce)], CancellationToken.None);

        var publishes = Enumerable.Range(0, Count)
            .Select(index => publisher.PublishAsync(
                new MqttApplicationMessage("bulk", Broker.Utf8(index.ToString(CultureInfo.InvariantCulture))), CancellationToken.None))
            .ToArray();
        await Task.WhenAll(publishes).WaitAsync(Broker.Timeout);

        for (var expected = 0; expected < Count; expected++)
        {
            var message = await subscriber.ReceiveAsync();
            Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), message.Text());
            Assert.Equal(MqttQualityOfService.AtLeastOnce, message.QualityOfService);
        }

        Assert.False(subscriber.Messages.TryRead(out var extra), $"Unexpected extra message '{extra?.Text()}'.");
        Assert.Equal(0, publisher.PendingRequestCount);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task An_unacknowledged_message_is_redelivered_as_duplicate_to_a_persistent_session_and_an_acknowledged_one_is_not()
    {
        await using var server = await MosquittoServer.StartAsync();
        var options = server.Options("manual-ack");
        options.CleanSession = false;
        options.AutoAcknowledge = false;
        await using var publisher = await server.ConnectAsync("manual-ack-publisher");

        await using (var first = await server.ConnectAsync(options))
        {
            await first.SubscribeAsync([new MqttTopicFilter("vitals", MqttQualityOfService.AtLeastOnce)], CancellationToken.None);
            await publisher.PublishAsync(new MqttApplicationMessage("vitals", Broker.Utf8("acknowledged")), CancellationToken.None).WaitAsync(Broker.Timeout);
            await publisher.PublishAsync(new MqttApplicationMessage("vitals", Broker.Utf8("not acknowledged")), CancellationToken.None).WaitAsync(Broker.Timeout);

            var acknowledged = await first.ReceiveAsync();
            Assert.Equal("acknowledged", acknowledged.Text());
            await acknowledged.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
            await acknowledged.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout); // idempotent
            var unacknowledged = await first.ReceiveAsync();
            Assert.Equal("not acknowledged", unacknowledged.Text());
            Assert.False(unacknowledged.IsAcknowledged);

            await first.DisconnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
            await first.Completion.WaitAsync(Broker.Timeout);

            // After the connection is gone, acknowledging completes quietly: the broker will redeliver.
            await unacknowledged.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
        }

        options.AutoAcknowledge = true;
        await using var second = await server.ConnectAsync(options);
        Assert.True(second.SessionPresent);
        await publisher.PublishAsync(new MqttApplicationMessage("vitals", Broker.Utf8("after reconnect")), CancellationToken.None).WaitAsync(Broker.Timeout);

        var redelivered = await second.ReceiveAsync();
        Assert.Equal("not acknowledged", redelivered.Text());
        Assert.True(redelivered.Duplicate);
        var next = await second.ReceiveAsync();
        Assert.Equal("after reconnect", next.Text());
        Assert.False(next.Duplicate);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Acknowledging_several_messages_at_once_releases_exactly_those_and_the_rest_are_redelivered()
    {
        await using var server = await MosquittoServer.StartAsync();
        var options = server.Options("batch-ack");
        options.CleanSession = false;
        options.AutoAcknowledge = false;
        await using var publisher = await server.ConnectAsync("batch-ack-publisher");

        await using (var first = await server.ConnectAsync(options))
        {
            await first.SubscribeAsync([new MqttTopicFilter("vitals", MqttQualityOfService.AtLeastOnce)], CancellationToken.None);
            for (var i = 0; i < 6; i++)
            {
                await publisher.PublishAsync(new MqttApplicationMessage("vitals", Broker.Utf8($"frame {i}")), CancellationToken.None).WaitAsync(Broker.Timeout);
            }

            var received = new List<MqttReceivedMessage>();
            for (var i = 0; i < 6; i++)
            {
                received.Add(await first.ReceiveAsync());
            }

            Assert.Equal(["frame 0", "frame 1", "frame 2", "frame 3", "frame 4", "frame 5"], received.Select(m => m.Text()));
            // One of them already acknowledged on its own: acknowledged once, never twice.
            await received[1].AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
            await MqttReceivedMessage.AcknowledgeAllAsync(received[..4]).AsTask().WaitAsync(Broker.Timeout);
            Assert.All(received[..4], m => Assert.True(m.IsAcknowledged));
            Assert.All(received[4..], m => Assert.False(m.IsAcknowledged));

            await first.DisconnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
            await first.Completion.WaitAsync(Broker.Timeout);
        }

        options.AutoAcknowledge = true;
        await using var second = await server.ConnectAsync(options);
        Assert.True(second.SessionPresent);
        await publisher.PublishAsync(new MqttApplicationMessage("vitals", Broker.Utf8("after reconnect")), CancellationToken.None).WaitAsync(Broker.Timeout);

        // Only the two messages left unacknowledged come back, in order, before the new one.
        foreach (var expected in new[] { "frame 4", "frame 5" })
        {
            var redelivered = await second.ReceiveAsync();
            Assert.Equal(expected, redelivered.Text());
            Assert.True(redelivered.Duplicate);
        }

        var next = await second.ReceiveAsync();
        Assert.Equal("after reconnect", next.Text());
        Assert.False(next.Duplicate);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task An_idle_client_stays_connected_across_several_keep_alive_periods()
    {
        await using var server = await MosquittoServer.StartAsync();
        var options = server.Options("keep-alive");
        options.KeepAlive = TimeSpan.FromSeconds(1);
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = new MqttClient(options, logger);
        var threePingResponses = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.PingResponseReceived = count =>
        {
            if (count >= 3)
            {
                threePingResponses.TrySetResult();
            }
        };
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);

        // mosquitto drops a client silent for 1.5 keep-alive periods (§3.1.2.10); three answered pings span three periods.
        await threePingResponses.Task.WaitAsync(Broker.Timeout);

        Assert.True(client.IsConnected);
        Assert.False(client.Completion.IsCompleted);
        logger.Collector.AssertNoErrors();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task DisconnectAsync_completes_Completion_and_Messages_successfully()
    {
        await using var server = await MosquittoServer.StartAsync();
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = await server.ConnectAsync(server.Options("clean-disconnect"), logger);

        await client.DisconnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);

        await client.Completion.WaitAsync(Broker.Timeout);
        await client.Messages.Completion.WaitAsync(Broker.Timeout);
        Assert.False(client.IsConnected);
        await Assert.ThrowsAsync<MqttConnectionClosedException>(
            () => client.PublishAsync(new MqttApplicationMessage("t", Broker.Utf8("late")), CancellationToken.None));
        await client.DisconnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout); // idempotent
        logger.Collector.AssertNoErrors();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Killing_the_broker_faults_Completion_and_ends_every_publish()
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var client = await server.ConnectAsync("killed");
        var publishes = new List<Task>();
        for (var index = 0; index < 200; index++)
        {
            publishes.Add(client.PublishAsync(new MqttApplicationMessage("t", new byte[1000]), CancellationToken.None));
        }

        await server.KillAsync();

        var failure = await Assert.ThrowsAnyAsync<IOException>(() => client.Completion.WaitAsync(Broker.Timeout));
        Assert.IsNotType<MqttConnectionClosedException>(failure);
        await Assert.ThrowsAnyAsync<IOException>(() => client.Messages.Completion.WaitAsync(Broker.Timeout));
        foreach (var publish in publishes)
        {
            // Each one either made it before the kill or fails; none hangs.
            await Task.WhenAny(publish).WaitAsync(Broker.Timeout);
            Assert.True(publish.IsCompletedSuccessfully || publish.Exception?.InnerException is MqttConnectionClosedException, publish.Exception?.ToString());
        }

        Assert.False(client.IsConnected);
        Assert.Equal(0, client.PendingRequestCount);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Our_QoS1_messages_reach_mosquitto_sub()
    {
        await using var server = await MosquittoServer.StartAsync();
        var port = server.Port.ToString(CultureInfo.InvariantCulture);
        // stdbuf: mosquitto_sub's stdout is block-buffered in a pipe; the SUBACK line must arrive as it happens.
        using var subscriber = ToolProcess.Start(
            "stdbuf", ["-oL", ServerBinary.Require("mosquitto_sub", "mosquitto-clients"),
            "-h", server.Host, "-p", port, .. server.ToolCredentials(), "-t", "interop/out", "-C", "3", "-q", "1", "-d"]);
        await subscriber.WaitForLineAsync("SUBACK");
        await using var client = await server.ConnectAsync("interop-publisher");

        for (var index = 0; index < 3; index++)
        {
            await client.PublishAsync(new MqttApplicationMessage("interop/out", Broker.Utf8($"reading-{index}")), CancellationToken.None).WaitAsync(Broker.Timeout);
        }

        await subscriber.Exited.WaitAsync(Broker.Timeout);
        Assert.Equal(0, subscriber.ExitCode);
        Assert.Equal(["reading-0", "reading-1", "reading-2"], subscriber.Lines.Where(line => line.StartsWith("reading-", StringComparison.Ordinal)));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_QoS1_message_from_mosquitto_pub_reaches_our_subscriber()
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var client = await server.ConnectAsync("interop-subscriber");
        await client.SubscribeAsync([new MqttTopicFilter("interop/in", MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);

        await ToolProcess.RunAsync(
            "mosquitto_pub", ["-h", server.Host, "-p", server.Port.ToString(CultureInfo.InvariantCulture), .. server.ToolCredentials(), "-t", "interop/in", "-m", "spo2=97", "-q", "1"]);
        var message = await client.ReceiveAsync();

        Assert.Equal("interop/in", message.Topic);
        Assert.Equal("spo2=97", message.Text());
        Assert.Equal(MqttQualityOfService.AtLeastOnce, message.QualityOfService);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Unsubscribed_topics_are_no_longer_delivered()
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var client = await server.ConnectAsync("unsubscriber");
        await client.SubscribeAsync([new MqttTopicFilter("a", MqttQualityOfService.AtLeastOnce), new MqttTopicFilter("b", MqttQualityOfService.AtLeastOnce)], CancellationToken.None);

        await client.UnsubscribeAsync(["a"], CancellationToken.None).WaitAsync(Broker.Timeout);
        await client.PublishAsync(new MqttApplicationMessage("a", Broker.Utf8("dropped")), CancellationToken.None).WaitAsync(Broker.Timeout);
        await client.PublishAsync(new MqttApplicationMessage("b", Broker.Utf8("kept")), CancellationToken.None).WaitAsync(Broker.Timeout);

        Assert.Equal("kept", (await client.ReceiveAsync()).Text());
    }
}
