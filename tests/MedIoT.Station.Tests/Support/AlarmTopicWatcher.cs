using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using MedIoT.Mqtt;
using MedIoT.Testing;

namespace MedIoT.Station.Tests.Support;

/// <summary>
/// A subscriber to the gateway's alarm event topics (<c>mediot/v1/alerts/#</c>, docs/alerts.md §6) with the broker's test
/// account: the reference for "when the gateway published" an alarm event, noted on the machine's clock as it arrives.
/// </summary>
internal sealed class AlarmTopicWatcher : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly ConcurrentQueue<AlarmTopicEvent> _events = new();
    private readonly Task _reader;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AlarmTopicWatcher(MqttClient client)
    {
        _client = client;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>The alarm events received so far, in order.</summary>
    public IReadOnlyList<AlarmTopicEvent> Events => [.. _events];

    public static async Task<AlarmTopicWatcher> ConnectAsync(MosquittoServer broker)
    {
        var client = new MqttClient(new MqttClientOptions
        {
            TimeProvider = TimeProvider.System,
            Host = broker.Host,
            Port = broker.Port,
            ClientId = "alarm-watcher-" + Guid.NewGuid().ToString("N")[..12],
            CleanSession = true,
            Username = broker.TestAccount!.Username,
            Password = broker.TestAccount.Password,
        });
        await client.ConnectAsync(CancellationToken.None);
        var granted = await client.SubscribeAsync([new MqttTopicFilter("mediot/v1/alerts/#", MqttQualityOfService.AtLeastOnce)], CancellationToken.None);
        Assert.True(granted[0].Succeeded, "The broker refused the alarm topics to the test account.");
        return new AlarmTopicWatcher(client);
    }

    /// <summary>The first event that matches, waiting for it at most <paramref name="timeout"/>.</summary>
    public async Task<AlarmTopicEvent> WaitForAsync(Func<AlarmTopicEvent, bool> match, TimeSpan timeout, string what)
    {
        using var timeoutSource = new CancellationTokenSource(timeout);
        while (true)
        {
            var changed = Volatile.Read(ref _changed);
            if (_events.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            try
            {
                await changed.Task.WaitAsync(timeoutSource.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {what} on the alarm topics within {timeout.TotalSeconds} s. Received:{Environment.NewLine}" +
                    string.Join(Environment.NewLine, _events.Select(e => e.ToString())));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _reader;
    }

    private async Task ReadAsync()
    {
        await foreach (var message in _client.Messages.ReadAllAsync())
        {
            var receivedAt = TimeProvider.System.GetUtcNow();
            // The retained per-bed state documents share the prefix; only the events are kept.
            if (!message.Topic.EndsWith("/events", StringComparison.Ordinal))
            {
                continue;
            }

            _events.Enqueue(new AlarmTopicEvent(message.Topic, JsonDocument.Parse(message.Payload).RootElement.Clone(), receivedAt));
            Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }
}

/// <summary>An alarm event as the MQTT alarm topic carried it, and when it arrived.</summary>
internal sealed record AlarmTopicEvent(string Topic, JsonElement Json, DateTimeOffset ReceivedAt)
{
    public string Event => Json.GetProperty("event").GetString()!;

    public JsonElement Alarm => Json.GetProperty("alarm");

    public long AlarmId => Alarm.GetProperty("id").GetInt64();

    public string Condition => Alarm.GetProperty("condition").GetString()!;

    public string? Bed => Alarm.GetProperty("bed").GetString();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ReceivedAt:HH:mm:ss.fff} {Topic} {Json}");
}
