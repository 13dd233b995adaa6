using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace MedIoT.Testing;

/// <summary>
/// What the tests need around Microsoft.Extensions.Diagnostics.Testing's <see cref="FakeLogCollector"/> that the library
/// (10.0.0) lacks: failing on an error nobody expected (style.md, "Tests"), and awaiting a log record with a timeout.
/// Waiting is signalled, never polled: a collector made here gets an <see cref="FakeLogCollectorOptions.OutputSink"/>, which
/// the library calls after each record is stored, and each call wakes the waiters to look again.
/// </summary>
public static class TestLogs
{
    private static readonly ConditionalWeakTable<FakeLogCollector, RecordSignal> s_signals = [];

    /// <summary>A collector of the records of enabled levels whose waiters <see cref="WaitForAsync(FakeLogCollector, Func{IReadOnlyList{FakeLogRecord}, bool}, TimeSpan, string)"/> can await.</summary>
    public static FakeLogCollector CreateCollector()
    {
        var signal = new RecordSignal();
        var collector = FakeLogCollector.Create(new FakeLogCollectorOptions
        {
            CollectRecordsForDisabledLogLevels = false,
            OutputFormatter = static _ => string.Empty,
            OutputSink = _ => signal.Pulse(),
        });
        s_signals.Add(collector, signal);
        return collector;
    }

    /// <summary>A provider for a host's or a logger factory's logging (<c>builder.Logging.AddProvider(...)</c>) over a new collector.</summary>
    public static FakeLoggerProvider CreateProvider() => new(CreateCollector());

    /// <summary>An <see cref="ILogger{T}"/> for a type constructed by hand, over a new collector.</summary>
    public static FakeLogger<T> CreateLogger<T>() => new(CreateCollector());

    /// <summary>Fails when anything at <see cref="LogLevel.Error"/> or above was logged, except the event ids the test expects.</summary>
    public static void AssertNoErrors(this FakeLogCollector logs, params int[] expectedEventIds)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var errors = logs.GetSnapshot().Where(r => r.Level >= LogLevel.Error && !expectedEventIds.Contains(r.Id.Id)).ToArray();
        if (errors.Length > 0)
        {
            throw new LoggedErrorException("Unexpected errors were logged:" + Environment.NewLine + errors.Describe());
        }
    }

    /// <summary>
    /// Completes when <paramref name="condition"/> holds for the records collected so far, re-checked after every new record;
    /// throws <see cref="TimeoutException"/> (naming <paramref name="what"/> and listing the records) after <paramref name="timeout"/>.
    /// </summary>
    public static async Task WaitForAsync(this FakeLogCollector logs, Func<IReadOnlyList<FakeLogRecord>, bool> condition, TimeSpan timeout, string what = "a log record")
    {
        if (!await logs.TryWaitForAsync(condition, timeout).ConfigureAwait(false))
        {
            throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {what}. Logged:{Environment.NewLine}{logs.GetSnapshot().Describe()}");
        }
    }

    /// <summary>Waits for the first record that <paramref name="match"/> accepts (one logged before the call counts) and returns it.</summary>
    public static async Task<FakeLogRecord> WaitForAsync(this FakeLogCollector logs, Func<FakeLogRecord, bool> match, TimeSpan timeout, string what = "a log record")
    {
        await logs.WaitForAsync(records => records.Any(match), timeout, what).ConfigureAwait(false);
        return logs.GetSnapshot().First(match);
    }

    /// <summary>As <see cref="WaitForAsync(FakeLogCollector, Func{IReadOnlyList{FakeLogRecord}, bool}, TimeSpan, string)"/>, but answers false at the timeout.</summary>
    public static async Task<bool> TryWaitForAsync(this FakeLogCollector logs, Func<IReadOnlyList<FakeLogRecord>, bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(condition);
        if (!s_signals.TryGetValue(logs, out var signal))
        {
            throw new InvalidOperationException("This collector cannot be awaited: create it with TestLogs.CreateCollector().");
        }

        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            // Take the next signal before looking, so that a record stored in between wakes the wait below.
            var next = signal.Next;
            if (condition(logs.GetSnapshot()))
            {
                return true;
            }

            try
            {
                await next.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                return condition(logs.GetSnapshot());
            }
        }
    }

    /// <summary>One line per record: level, category, event id and name, message and exception.</summary>
    public static string Describe(this IEnumerable<FakeLogRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var text = new StringBuilder();
        foreach (var record in records)
        {
            text.Append(record.Level).Append(' ').Append(record.Category).Append('[').Append(record.Id.Id);
            if (record.Id.Name is { } name)
            {
                text.Append(' ').Append(name);
            }

            text.Append("] ").Append(record.Message);
            if (record.Exception is { } exception)
            {
                text.Append(' ').Append(exception);
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>A task that completes at the next record; a new one is armed each time.</summary>
    private sealed class RecordSignal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next => Volatile.Read(ref _next).Task;

        public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}

/// <summary>The system logged an error that the test did not expect.</summary>
public sealed class LoggedErrorException(string message) : Exception(message);
