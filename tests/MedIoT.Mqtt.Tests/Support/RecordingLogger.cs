using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MedIoT.Mqtt.Tests.Support;

/// <summary>Keeps log entries so a test can fail on an error it did not expect.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries { get; } = new();

    public IEnumerable<string> Errors => Entries.Where(entry => entry.Level >= LogLevel.Error).Select(entry => $"{entry.EventId}: {entry.Message} {entry.Exception}");

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId, formatter(state, exception), exception));
}
