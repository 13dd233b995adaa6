using MedIoT.Ledger.Entries;

namespace MedIoT.Gateway.Journal;

/// <summary>What is journaled but not yet in InfluxDB: the backlog a ward's monitoring watches (GET /health, log 85).</summary>
/// <param name="JournalSize">Entries in the journal.</param>
/// <param name="WriterPosition">Entries written to InfluxDB (the writer's cursor).</param>
/// <param name="LagEntries">Entries journaled and not yet in InfluxDB.</param>
/// <param name="LagSeconds">How long the oldest entry not yet in InfluxDB has waited since its receipt; 0 when none waits.</param>
public readonly record struct JournalBacklog(long JournalSize, long WriterPosition, long LagEntries, double LagSeconds)
{
    /// <summary>Measures the backlog now.</summary>
    public static JournalBacklog Measure(GatewayJournal journal, JournalStatistics statistics, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var size = journal.Size;
        var position = Math.Min(statistics.WriterPosition, size);
        var lagSeconds = 0.0;
        if (position < size)
        {
            var bytes = journal.Log.ReadEntry(position);
            long? oldestNs = LedgerEntry.TryDecode(bytes, out var oldest, out _) ? oldest.ReceivedUnixNanoseconds
                : AlarmEventEntry.TryDecode(bytes, out var alarm, out _) ? alarm.EventUnixNanoseconds : null;
            if (oldestNs is { } received)
            {
                var nowNs = (timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
                lagSeconds = Math.Max(0, (nowNs - received) / 1e9);
            }
        }

        return new JournalBacklog(size, position, size - position, lagSeconds);
    }
}
