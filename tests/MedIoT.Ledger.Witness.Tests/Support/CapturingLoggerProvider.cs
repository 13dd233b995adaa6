using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MedIoT.Ledger.Witness.Tests.Support;

/// <summary>Keeps every log entry so a test can fail on an error it did not expect, or check what was logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _entries);

    public void Dispose()
    {
    }

    /// <summary>Fails when anything at Error or above was logged, except the event ids a test expects.</summary>
    public void AssertNoUnexpectedErrors(params int[] expectedEventIds)
    {
        var errors = _entries.Where(e => e.Level >= LogLevel.Error && !expectedEventIds.Contains(e.EventId.Id)).ToArray();
        Assert.True(errors.Length == 0, "Unexpected errors were logged:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => e.ToString())));
    }

    internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message} {Exception}";
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
