using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MedIoT.Mqtt.Tests.Support;

/// <summary>Keeps log entries so a test can fail on an error it did not expect.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly List<(int EventId, int Count, TaskCompletionSource Seen)> _waits = [];

    public ConcurrentQueue<(LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries { get; } = new();

    public IEnumerable<string> Errors => Entries.Where(entry => entry.Level >= LogLevel.Error).Select(entry => $"{entry.EventId}: {entry.Message} {entry.Exception}");

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    /// <summary>Completes when an entry with <paramref name="eventId"/> has been logged <paramref name="count"/> times.</summary>
    public Task WaitForEventAsync(int eventId, int count = 1)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waits)
        {
            if (Entries.Count(entry => entry.EventId.Id == eventId) >= count)
            {
                return Task.CompletedTask;
            }

            _waits.Add((eventId, count, seen));
        }

        return seen.Task.WaitAsync(Broker.Timeout);
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_waits)
        {
            Entries.Enqueue((logLevel, eventId, formatter(state, exception), exception));
            foreach (var (id, count, seen) in _waits)
            {
                if (id == eventId.Id && Entries.Count(entry => entry.EventId.Id == id) >= count)
                {
                    seen.TrySetResult();
                }
            }
        }
    }
}
