using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// Compatibility shim, to be deleted: the log capture is Microsoft.Extensions.Diagnostics.Testing's
/// <see cref="FakeLogCollector"/> (<see cref="TestLogs"/>). Only Anchoring/AnchoringServiceTests.cs and
/// Alerts/Delivery/WebhookDeliveryTests.cs still use this name, and they are being changed in parallel; once they hold a
/// <c>FakeLoggerProvider</c> from <see cref="TestLogs.CreateProvider"/> and read <c>Collector.GetSnapshot()</c>
/// (<c>record.Id.Id</c> for <c>entry.EventId.Id</c>), this file goes.
/// </summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly FakeLoggerProvider _provider = TestLogs.CreateProvider();

    public FakeLogCollector Collector => _provider.Collector;

    public IReadOnlyCollection<LogEntry> Entries =>
        [.. Collector.GetSnapshot().Select(r => new LogEntry(r.Category ?? string.Empty, r.Level, r.Id, r.Message, r.Exception))];

    public ILogger CreateLogger(string categoryName) => _provider.CreateLogger(categoryName);

    public void AssertNoErrors() => Collector.AssertNoErrors();

    public void Dispose() => _provider.Dispose();

    internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);
}
