using System.Collections.Concurrent;
using System.Text.Json;
using MedIoT.Mqtt;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>A nurses' station (or IT console) on the broker: subscribes to a topic filter at QoS 1 and keeps every message.</summary>
public sealed class AlarmStation : IAsyncDisposable
{
    private readonly MqttClient _client;
    private readonly ConcurrentQueue<StationMessage> _messages = new();
    private readonly Task _reader;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AlarmStation(MqttClient client)
    {
        _client = client;
        _reader = Task.Run(ReadAsync);
    }

    public IReadOnlyList<StationMessage> Messages => [.. _messages];

    /// <summary>The alarm event documents received, in order.</summary>
    public IReadOnlyList<StationMessage> Events => [.. _messages.Where(message => !message.Topic.EndsWith("/state", StringComparison.Ordinal))];

    /// <summary>
    /// Connects with <paramref name="account"/>, by default the broker's test account (the tests' topic prefixes are not the
    /// shipped station account's).
    /// </summary>
    public static async Task<AlarmStation> ConnectAsync(MosquittoServer broker, string topicFilter, MosquittoAccount? account = null)
    {
        account ??= broker.TestAccount!;
        var client = new MqttClient(new MqttClientOptions
        {
            TimeProvider = TimeProvider.System,
            Host = broker.Host,
            Port = broker.Port,
            ClientId = "station-" + Guid.NewGuid().ToString("N")[..12],
            CleanSession = true,
            Username = account.Username,
            Password = account.Password,
        });
        await client.ConnectAsync(CancellationToken.None);
        var granted = await client.SubscribeAsync([new MqttTopicFilter(topicFilter, MqttQualityOfService.AtLeastOnce)], CancellationToken.None);
        Assert.True(granted[0].Succeeded);
        return new AlarmStation(client);
    }

    public async Task WaitUntilAsync(Func<AlarmStation, bool> condition, TimeSpan timeout, string what)
    {
        using var timeoutSource = new CancellationTokenSource(timeout);
        while (true)
        {
            var changed = Volatile.Read(ref _changed);
            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.Task.WaitAsync(timeoutSource.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The station did not see {what} within {timeout.TotalSeconds} s. It received:{Environment.NewLine}" +
                    string.Join(Environment.NewLine, _messages.Select(message => message.ToString())));
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
            _messages.Enqueue(new StationMessage(message.Topic, JsonDocument.Parse(message.Payload).RootElement.Clone(), message.Retain));
            Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }
}

/// <summary>One message a station received.</summary>
public sealed record StationMessage(string Topic, JsonElement Json, bool Retained)
{
    public string Event => Json.GetProperty("event").GetString()!;

    public JsonElement Alarm => Json.GetProperty("alarm");

    public long AlarmId => Alarm.GetProperty("id").GetInt64();

    public string Condition => Alarm.GetProperty("condition").GetString()!;

    public string Priority => Alarm.GetProperty("priority").GetString()!;

    public DateTimeOffset At => DateTimeOffset.Parse(Json.GetProperty("at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    public override string ToString() => $"{Topic} retained={Retained} {Json}";
}
