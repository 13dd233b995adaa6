using System.Globalization;
using MedIoT.Mqtt.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Mqtt.Tests;

/// <summary>The client on MQTT 5.0 against a real mosquitto 2.0 (OASIS MQTT Version 5.0).</summary>
public sealed class MqttVersion5ConformanceTests
{
    private const int TestTimeout = 30_000;

    [Fact(Timeout = TestTimeout)]
    public async Task Connect_on_v5_reports_the_broker_limits_and_no_session_for_a_clean_start()
    {
        await using var server = await MosquittoServer.StartAsync();
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = await server.ConnectAsync(server.Options5("v5-connect"), logger);

        Assert.True(client.IsConnected);
        Assert.False(client.SessionPresent);
        Assert.Equal(MqttProtocolVersion.V500, client.ProtocolVersion);

        // configs/mosquitto: max_packet_size 262144 is announced in CONNACK (§3.2.2.3.6).
        Assert.Equal(262_144, client.ServerMaximumPacketSize);
        logger.Collector.AssertNoErrors();
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData(MqttQualityOfService.AtMostOnce)]
    [InlineData(MqttQualityOfService.AtLeastOnce)]
    [InlineData(MqttQualityOfService.ExactlyOnce)]
    public async Task Messages_with_user_properties_travel_both_ways_at_every_QoS_with_manual_acknowledgement(MqttQualityOfService qualityOfService)
    {
        await using var server = await MosquittoServer.StartAsync();
        var subscriberOptions = server.Options5("v5-subscriber");
        subscriberOptions.AutoAcknowledge = false;
        await using var subscriber = await server.ConnectAsync(subscriberOptions);
        await using var publisher = await server.ConnectAsync(server.Options5("v5-publisher"));
        var granted = await subscriber.SubscribeAsync([new MqttTopicFilter("v5/vitals", qualityOfService)], CancellationToken.None).WaitAsync(Broker.Timeout);
        Assert.Equal(qualityOfService, Assert.Single(granted).GrantedQualityOfService);

        var result = await publisher.PublishAsync(
            new MqttApplicationMessage("v5/vitals", Broker.Utf8("hr=72"), qualityOfService)
            {
                UserProperties = [new("device", "bed-12"), new("schema", "v1"), new("device", "bed-12-spare")],
                ContentType = "application/jose",
            },
            CancellationToken.None).WaitAsync(Broker.Timeout);
        var message = await subscriber.ReceiveAsync();
        await message.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);

        Assert.Equal(MqttReasonCode.Success, result.ReasonCode);
        Assert.Equal("hr=72", message.Text());
        Assert.Equal(qualityOfService, message.QualityOfService);
        Assert.Equal(["device=bed-12", "schema=v1", "device=bed-12-spare"], message.UserProperties.Select(property => $"{property.Name}={property.Value}"));
        Assert.Equal("application/jose", message.ContentType);
        Assert.Equal(0, publisher.PendingRequestCount);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_publish_nobody_subscribed_to_reports_no_matching_subscribers()
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var publisher = await server.ConnectAsync(server.Options5("v5-lonely"));

        var result = await publisher.PublishAsync(new MqttApplicationMessage("nobody/listens", Broker.Utf8("x")), CancellationToken.None).WaitAsync(Broker.Timeout);

        Assert.Equal(MqttReasonCode.NoMatchingSubscribers, result.ReasonCode);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_persistent_session_with_session_expiry_redelivers_unacknowledged_messages_after_a_reconnect()
    {
        await using var server = await MosquittoServer.StartAsync();
        var options = server.Options5("v5-persistent");
        options.CleanSession = false;
        options.SessionExpiryInterval = TimeSpan.FromMinutes(5);
        options.AutoAcknowledge = false;
        await using var publisher = await server.ConnectAsync(server.Options5("v5-persistent-publisher"));

        await using (var first = await server.ConnectAsync(options))
        {
            await first.SubscribeAsync([new MqttTopicFilter("v5/persistent", MqttQualityOfService.ExactlyOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
            await publisher.PublishAsync(new MqttApplicationMessage("v5/persistent", Broker.Utf8("kept"), MqttQualityOfService.ExactlyOnce), CancellationToken.None).WaitAsync(Broker.Timeout);
            Assert.Equal("kept", (await first.ReceiveAsync()).Text());
            await first.DisconnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        }

        // While the subscriber is away the broker queues for the session (session expiry > 0, §3.1.2.11.2).
        await publisher.PublishAsync(new MqttApplicationMessage("v5/persistent", Broker.Utf8("queued"), MqttQualityOfService.ExactlyOnce), CancellationToken.None).WaitAsync(Broker.Timeout);
        options.AutoAcknowledge = true;
        await using var second = await server.ConnectAsync(options);

        Assert.True(second.SessionPresent);
        var redelivered = await second.ReceiveAsync();
        Assert.Equal("kept", redelivered.Text());
        Assert.True(redelivered.Duplicate);
        Assert.Equal("queued", (await second.ReceiveAsync()).Text());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Without_session_expiry_the_v5_session_ends_with_the_connection()
    {
        await using var server = await MosquittoServer.StartAsync();
        var options = server.Options5("v5-expiring");
        options.CleanSession = false;
        options.SessionExpiryInterval = TimeSpan.Zero;

        Assert.Throws<ArgumentException>(options.Validate);

        // Clean start off with expiry 0 is refused by validation; clean start on with expiry 0 keeps nothing.
        options.CleanSession = true;
        await using (var first = await server.ConnectAsync(options))
        {
            await first.SubscribeAsync([new MqttTopicFilter("v5/expiring", MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
            await first.DisconnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout);
        }

        options.CleanSession = false;
        options.SessionExpiryInterval = TimeSpan.FromSeconds(60);
        await using var second = await server.ConnectAsync(options);
        Assert.False(second.SessionPresent);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_publish_denied_by_the_acl_file_fails_with_the_PUBACK_or_PUBREC_reason_code()
    {
        await using var server = await MosquittoServer.StartAsync();
        await server.AddAccountAsync("ward-clerk", "clerk-password");
        await server.AddAclAsync(["user ward-clerk", "topic readwrite ward/#"]);
        var options = server.Options5("v5-acl");
        (options.Username, options.Password) = ("ward-clerk", "clerk-password");
        var logger = TestLogs.CreateLogger<MqttClient>();
        await using var client = await server.ConnectAsync(options, logger);

        var refused = await Assert.ThrowsAsync<MqttPublishException>(
            () => client.PublishAsync(new MqttApplicationMessage("pharmacy/orders", Broker.Utf8("x")), CancellationToken.None).WaitAsync(Broker.Timeout));
        var refusedExactlyOnce = await Assert.ThrowsAsync<MqttPublishException>(
            () => client.PublishAsync(new MqttApplicationMessage("pharmacy/orders", Broker.Utf8("x"), MqttQualityOfService.ExactlyOnce), CancellationToken.None).WaitAsync(Broker.Timeout));

        var allowed = await client.PublishAsync(new MqttApplicationMessage("ward/3/beds", Broker.Utf8("x")), CancellationToken.None).WaitAsync(Broker.Timeout);

        Assert.Equal(MqttReasonCode.NoMatchingSubscribers, allowed.ReasonCode);
        Assert.Equal(MqttReasonCode.NotAuthorized, refused.ReasonCode);
        Assert.Equal(MqttReasonCode.NotAuthorized, refusedExactlyOnce.ReasonCode);
        Assert.Equal(0, client.PendingRequestCount);
        Assert.True(client.IsConnected);
        Assert.Contains(logger.Collector.GetSnapshot(), entry => entry.Id.Id == MqttLogEvents.PublishRefused);
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData(MqttProtocolVersion.V500, MqttSubscribeReturnCode.NotAuthorized)]
    [InlineData(MqttProtocolVersion.V311, MqttSubscribeReturnCode.Failure)]
    public async Task A_subscription_the_broker_refuses_reports_its_SUBACK_code_per_filter(MqttProtocolVersion version, MqttSubscribeReturnCode expected)
    {
        // mosquitto 2.0's acl_file does not refuse subscriptions (it filters at delivery); its dynamic security
        // plugin does, with 0x87 on MQTT 5.0 and 0x80 on 3.1.1.
        using var folder = TemporaryDirectory.Create("mqtt-dynsec");
        var configuration = folder.Combine("dynamic-security.json");
        await File.WriteAllTextAsync(configuration, """
            {"defaultACLAccess": {"publishClientSend": true, "publishClientReceive": true, "subscribe": true, "unsubscribe": true},
             "clients": [], "groups": [{"groupname": "anonymous", "roles": [{"rolename": "ward-only"}]}],
             "roles": [{"rolename": "ward-only", "acls": [{"acltype": "subscribePattern", "topic": "pharmacy/#", "priority": 0, "allow": false}]}],
             "anonymousGroup": "anonymous"}
            """);
        // Without the shipped acl_file: mosquitto asks its built-in ACL check first, and that one allows every subscription.
        await using var server = await MosquittoServer.StartAsync(
            [$"plugin {DynamicSecurityPlugin}", $"plugin_opt_config_file {configuration}"], MosquittoAccess.Open);
        var options = server.Options5("refused-subscription");
        options.ProtocolVersion = version;
        await using var client = await server.ConnectAsync(options);

        var results = await client.SubscribeAsync(
            [new MqttTopicFilter("ward/3/#", MqttQualityOfService.AtLeastOnce), new MqttTopicFilter("pharmacy/#", MqttQualityOfService.AtLeastOnce)],
            CancellationToken.None).WaitAsync(Broker.Timeout);

        Assert.True(results[0].Succeeded);
        Assert.Equal(MqttQualityOfService.AtLeastOnce, results[0].GrantedQualityOfService);
        Assert.False(results[1].Succeeded);
        Assert.Null(results[1].GrantedQualityOfService);
        Assert.Equal(expected, results[1].ReturnCode);
        Assert.True(client.IsConnected);
    }

    private static string DynamicSecurityPlugin =>
        new[] { "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so", "/usr/lib/mosquitto_dynamic_security.so", "/usr/local/lib/mosquitto_dynamic_security.so" }
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("mosquitto's dynamic security plugin (mosquitto_dynamic_security.so, package mosquitto) is missing.");

    [Fact(Timeout = TestTimeout)]
    public async Task A_connect_with_a_wrong_password_is_refused_with_the_v5_reason_code()
    {
        await using var server = await MosquittoServer.StartAsync();
        await server.AddAccountAsync("nurse", "correct-horse");
        var options = server.Options5("v5-wrong-password");
        options.Username = "nurse";
        options.Password = "wrong";
        var logger = TestLogs.CreateLogger<MqttClient>();
        var client = new MqttClient(options, logger);

        var exception = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout));
        await client.DisposeAsync();

        Assert.Equal(MqttReasonCode.NotAuthorized, exception.ReasonCode);
        Assert.Equal(MqttConnectReturnCode.NotAuthorized, exception.ReturnCode);
        Assert.Contains(logger.Collector.GetSnapshot(), entry => entry.Id.Id == MqttLogEvents.ConnectionRefusedWithReason && entry.Message.Contains("NotAuthorized", StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task The_broker_receive_maximum_bounds_our_in_flight_publishes()
    {
        // mosquitto announces max_inflight_messages as its Receive Maximum; exceeding it would get us disconnected (0x93).
        await using var server = await MosquittoServer.StartAsync(["max_inflight_messages 4"]);
        await using var subscriber = await server.ConnectAsync(server.Options5("v5-window-subscriber"));
        await subscriber.SubscribeAsync([new MqttTopicFilter("v5/window", MqttQualityOfService.ExactlyOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
        var options = server.Options5("v5-window-publisher");
        options.MaximumInFlightPublishes = 100;
        await using var publisher = await server.ConnectAsync(options);

        var publishes = Enumerable.Range(0, 200).Select(index => publisher.PublishAsync(
            new MqttApplicationMessage("v5/window", Broker.Utf8(index.ToString(CultureInfo.InvariantCulture)), (MqttQualityOfService)(1 + (index % 2))),
            CancellationToken.None)).ToArray();
        await Task.WhenAll(publishes).WaitAsync(Broker.Timeout);
        var received = new HashSet<string>(StringComparer.Ordinal);
        while (received.Count < 200)
        {
            Assert.True(received.Add((await subscriber.ReceiveAsync()).Text()));
        }

        Assert.Equal(4, publisher.InFlightLimit);
        Assert.InRange(publisher.InFlightHighWaterMark, 2, 4);
        Assert.Equal(1, publisher.ConnectionCount);
        Assert.True(publisher.IsConnected);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Maximum_packet_size_is_honoured_in_both_directions()
    {
        await using var server = await MosquittoServer.StartAsync(["max_packet_size 2048"]);
        var subscriberOptions = server.Options5("v5-small-subscriber");
        subscriberOptions.MaximumIncomingPacketSize = 1024;
        await using var subscriber = await server.ConnectAsync(subscriberOptions);
        await subscriber.SubscribeAsync([new MqttTopicFilter("v5/size", MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
        await using var publisher = await server.ConnectAsync(server.Options5("v5-size-publisher"));

        // Ours never leaves: larger than the broker's 2048 bytes (§3.2.2.3.6).
        var tooLarge = await Assert.ThrowsAsync<MqttPacketTooLargeException>(
            () => publisher.PublishAsync(new MqttApplicationMessage("v5/size", new byte[3000]), CancellationToken.None).WaitAsync(Broker.Timeout));

        // Theirs is dropped by the broker for our subscriber, which announced 1024 bytes (§3.1.2.11.4): it never arrives.
        await publisher.PublishAsync(new MqttApplicationMessage("v5/size", new byte[1500]), CancellationToken.None).WaitAsync(Broker.Timeout);
        await publisher.PublishAsync(new MqttApplicationMessage("v5/size", Broker.Utf8("small")), CancellationToken.None).WaitAsync(Broker.Timeout);

        Assert.Equal(2048, tooLarge.MaximumPacketSize);
        Assert.Equal("small", (await subscriber.ReceiveAsync()).Text());
        Assert.True(publisher.IsConnected);
        Assert.True(subscriber.IsConnected);
        Assert.Equal(0, publisher.PendingRequestCount);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task An_MQTT_311_client_sending_an_oversize_packet_is_dropped_by_the_broker()
    {
        await using var server = await MosquittoServer.StartAsync(["max_packet_size 2048"]);
        await using var client = await server.ConnectAsync(server.Options("v311-oversize"));

        _ = client.PublishAsync(new MqttApplicationMessage("v311/size", new byte[3000]), CancellationToken.None);

        await Assert.ThrowsAnyAsync<IOException>(() => client.Completion.WaitAsync(Broker.Timeout));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Unsubscribe_reports_a_reason_code_per_filter()
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var client = await server.ConnectAsync(server.Options5("v5-unsubscribe"));
        await client.SubscribeAsync([new MqttTopicFilter("v5/a", MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);

        var codes = await client.UnsubscribeAsync(["v5/a", "v5/never-subscribed"], CancellationToken.None).WaitAsync(Broker.Timeout);

        Assert.Equal([MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted], codes);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task An_empty_client_id_gets_one_assigned_by_the_broker()
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var client = await server.ConnectAsync(server.Options5(string.Empty));

        Assert.False(string.IsNullOrEmpty(client.ClientId));
        await client.SubscribeAsync([new MqttTopicFilter("v5/assigned", MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
        await client.PublishAsync(new MqttApplicationMessage("v5/assigned", Broker.Utf8("me")), CancellationToken.None).WaitAsync(Broker.Timeout);
        Assert.Equal("me", (await client.ReceiveAsync()).Text());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task No_local_keeps_our_own_publishes_from_coming_back()
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var client = await server.ConnectAsync(server.Options5("v5-no-local"));
        await using var other = await server.ConnectAsync(server.Options5("v5-other"));
        await client.SubscribeAsync([new MqttTopicFilter("v5/echo", MqttQualityOfService.AtLeastOnce) { NoLocal = true }], CancellationToken.None).WaitAsync(Broker.Timeout);

        await client.PublishAsync(new MqttApplicationMessage("v5/echo", Broker.Utf8("mine")), CancellationToken.None).WaitAsync(Broker.Timeout);
        await other.PublishAsync(new MqttApplicationMessage("v5/echo", Broker.Utf8("theirs")), CancellationToken.None).WaitAsync(Broker.Timeout);

        Assert.Equal("theirs", (await client.ReceiveAsync()).Text());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Our_v5_messages_with_user_properties_reach_mosquitto_sub()
    {
        await using var server = await MosquittoServer.StartAsync();
        var port = server.Port.ToString(CultureInfo.InvariantCulture);
        using var subscriber = ToolProcess.Start(
            "stdbuf", ["-oL", ServerBinary.Require("mosquitto_sub", "mosquitto-clients"),
            "-V", "mqttv5", "-h", server.Host, "-p", port, .. server.ToolCredentials(), "-t", "interop5/out", "-C", "2", "-q", "2", "-F", "%P|%p", "-d"]);
        await subscriber.WaitForLineAsync("SUBACK");
        await using var client = await server.ConnectAsync(server.Options5("v5-interop-publisher"));

        for (var index = 0; index < 2; index++)
        {
            await client.PublishAsync(
                new MqttApplicationMessage("interop5/out", Broker.Utf8($"reading-{index}"), MqttQualityOfService.ExactlyOnce) { UserProperties = [new("bed", "12")] },
                CancellationToken.None).WaitAsync(Broker.Timeout);
        }

        await subscriber.Exited.WaitAsync(Broker.Timeout);
        Assert.Equal(0, subscriber.ExitCode);
        Assert.Equal(["bed:12|reading-0", "bed:12|reading-1"], subscriber.Lines.Where(line => line.Contains("|reading-", StringComparison.Ordinal)));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_v5_message_with_user_properties_from_mosquitto_pub_reaches_our_subscriber()
    {
        await using var server = await MosquittoServer.StartAsync();
        await using var client = await server.ConnectAsync(server.Options5("v5-interop-subscriber"));
        await client.SubscribeAsync([new MqttTopicFilter("interop5/in", MqttQualityOfService.ExactlyOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);

        await ToolProcess.RunAsync(
            "mosquitto_pub", ["-V", "mqttv5", "-h", server.Host, "-p", server.Port.ToString(CultureInfo.InvariantCulture), .. server.ToolCredentials(), "-t", "interop5/in",
            "-m", "spo2=97", "-q", "2", "-D", "publish", "user-property", "unit", "percent", "-D", "publish", "content-type", "text/plain"]);
        var message = await client.ReceiveAsync();

        Assert.Equal("spo2=97", message.Text());
        Assert.Equal(MqttQualityOfService.ExactlyOnce, message.QualityOfService);
        Assert.Equal(new MqttUserProperty("unit", "percent"), Assert.Single(message.UserProperties));
        Assert.Equal("text/plain", message.ContentType);
    }
}
