using MedIoT.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace MedIoT.Mqtt.Tests.Support;

/// <summary>
/// Compatibility shim, to be deleted: a <see cref="FakeLogger{T}"/> (<see cref="TestLogs.CreateLogger{T}"/>) under its old
/// name. Only MqttClientReconnectTests.cs still uses it, and it is being changed in parallel; once it writes
/// <c>TestLogs.CreateLogger&lt;MqttClient&gt;()</c>, reads <c>logger.Collector.GetSnapshot()</c> (<c>entry.Id.Id</c> for
/// <c>entry.EventId.Id</c>) and awaits <c>logger.Collector.WaitForAsync(...)</c>, this file goes.
/// </summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly FakeLogger<T> _logger = TestLogs.CreateLogger<T>();

    public IEnumerable<(LogLevel Level, EventId EventId, string Message, Exception? Exception)> Entries =>
        _logger.Collector.GetSnapshot().Select(r => (r.Level, r.Id, r.Message, r.Exception));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _logger.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _logger.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _logger.Log(logLevel, eventId, state, exception, formatter);

    /// <summary>Completes when an entry with <paramref name="eventId"/> has been logged <paramref name="count"/> times.</summary>
    public Task WaitForEventAsync(int eventId, int count = 1) =>
        _logger.Collector.WaitForAsync(records => records.Count(r => r.Id.Id == eventId) >= count, Broker.Timeout, $"event {eventId} logged {count} time(s)");
}
