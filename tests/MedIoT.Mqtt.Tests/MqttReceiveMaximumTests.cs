using System.Globalization;
using MedIoT.Mqtt.Tests.Support;
using MedIoT.Testing;
using Xunit.Abstractions;

namespace MedIoT.Mqtt.Tests;

/// <summary>
/// Flow control towards the client (MQTT 5.0 §4.9) against a real mosquitto whose window
/// (<c>max_inflight_messages</c>) equals the client's Receive Maximum, as the shipped configuration and the gateway
/// run them (issue 14, item 6).
/// </summary>
public sealed class MqttReceiveMaximumTests(ITestOutputHelper output)
{
    private const int TestTimeout = 120_000;

    /// <summary>The window on both sides: configs/mosquitto/mosquitto.conf ships 2000, and so does the gateway.</summary>
    private const int Window = 2000;

    /// <summary>A full window held, then a few more windows that the broker sends one per acknowledgement.</summary>
    private const int StreamLength = Window * 4;

    [Fact(Timeout = TestTimeout)]
    public async Task A_broker_whose_window_equals_our_receive_maximum_keeps_the_connection_when_a_full_window_is_acknowledged_at_once()
    {
        await using var server = await MosquittoServer.StartAsync([$"max_inflight_messages {Window}"]);
        var logger = TestLogs.CreateLogger<MqttClient>();
        var subscriberOptions = server.Options5("window-subscriber");
        subscriberOptions.ReceiveMaximum = Window;
        subscriberOptions.ReceiveBufferCapacity = Window;
        subscriberOptions.AutoAcknowledge = false;
        await using var subscriber = await server.ConnectAsync(subscriberOptions, logger);
        await subscriber.SubscribeAsync([new MqttTopicFilter("window", MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);

        var publisherOptions = server.Options("window-publisher");
        publisherOptions.MaximumInFlightPublishes = Window;
        await using var publisher = await server.ConnectAsync(publisherOptions);
        await Task.WhenAll(Enumerable.Range(0, StreamLength).Select(index => publisher.PublishAsync(
            new MqttApplicationMessage("window", Broker.Utf8(index.ToString(CultureInfo.InvariantCulture)), MqttQualityOfService.AtLeastOnce),
            CancellationToken.None))).WaitAsync(TimeSpan.FromSeconds(60));

        // The subscriber holds every acknowledgement until the broker has filled our whole Receive Maximum.
        var held = new List<MqttReceivedMessage>(Window);
        for (var expected = 0; expected < Window; expected++)
        {
            held.Add(await ReceiveInOrderAsync(subscriber, expected));
        }

        // Then it releases them all at once, as a batch the store made durable would: for each PUBACK the broker
        // sends the next queued message at once (§4.9), so the window stays full while they go out.
        await Task.WhenAll(held.Select(message => message.AcknowledgeAsync().AsTask())).WaitAsync(Broker.Timeout);
        for (var expected = Window; expected < StreamLength; expected++)
        {
            var message = await ReceiveInOrderAsync(subscriber, expected);
            await message.AcknowledgeAsync().AsTask().WaitAsync(Broker.Timeout);
        }

        // One connection from the start, never refused as exceeding the Receive Maximum, nothing delivered twice.
        // mosquitto before 2.0.13 may still overrun the window under this backlog (MqttClient.ReceivePublishAsync):
        // such messages are accepted, counted, and reported once.
        Assert.True(subscriber.IsConnected, "The subscriber closed its connection to the broker.");
        Assert.Equal(1, subscriber.ConnectionCount);
        output.WriteLine($"Messages the broker sent beyond the Receive Maximum of {Window}: {subscriber.ReceiveMaximumExcesses}");
        Assert.Equal(subscriber.ReceiveMaximumExcesses > 0 ? 1 : 0,
            logger.Collector.GetSnapshot().Count(entry => entry.Id.Id == MqttLogEvents.ReceiveMaximumExceeded));
        logger.Collector.AssertNoErrors();
    }

    private static async Task<MqttReceivedMessage> ReceiveInOrderAsync(MqttClient subscriber, int expected)
    {
        MqttReceivedMessage message;
        try
        {
            message = await subscriber.ReceiveAsync();
        }
        catch (Exception exception) when (exception is TimeoutException or System.Threading.Channels.ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException(
                $"Message {expected} of {StreamLength} never came ({exception.GetType().Name}); the connection: {subscriber.Completion.Exception?.InnerException?.Message ?? "open"}");
        }

        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), message.Text());
        return message;
    }
}
