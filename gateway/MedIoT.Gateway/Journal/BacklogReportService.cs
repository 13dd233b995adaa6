using System.Diagnostics;
using MedIoT.Gateway.Alerts.Feed;
using MedIoT.Gateway.Storage;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Journal;

/// <summary>
/// Logs the backlog (journal size, InfluxDB writer lag) every <see cref="JournalOptions.BacklogLogIntervalSeconds"/>, and at
/// debug level the process's memory next to it (resident set, the GC's heap after its last collection, the depth of the
/// in-memory queues), so a memory measurement can tell the managed heap from native memory and from queued frames
/// (docs/benchmarks/ingest.md).
/// </summary>
internal sealed class BacklogReportService(
    GatewayJournal journal,
    JournalStatistics statistics,
    PendingFrameQueue pendingFrames,
    AlertFeed alertFeed,
    IOptions<JournalOptions> options,
    TimeProvider timeProvider,
    ILogger<BacklogReportService> logger) : BackgroundService
{
    private const double Megabyte = 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.BacklogLogIntervalSeconds), timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var backlog = JournalBacklog.Measure(journal, statistics, timeProvider);
                Log.JournalBacklog(logger, backlog.JournalSize, backlog.WriterPosition, backlog.LagEntries, backlog.LagSeconds);
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    LogMemory();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void LogMemory()
    {
        using var process = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        var generations = gc.GenerationInfo;
        Log.GatewayMemory(
            logger, process.WorkingSet64 / Megabyte, process.PeakWorkingSet64 / Megabyte, gc.HeapSizeBytes / Megabyte, gc.TotalCommittedBytes / Megabyte,
            gc.FragmentedBytes / Megabyte, gc.PromotedBytes / Megabyte, SizeAfter(generations, 0), SizeAfter(generations, 1), SizeAfter(generations, 2), SizeAfter(generations, 3), SizeAfter(generations, 4), gc.Index,
            gc.Generation, GC.GetTotalAllocatedBytes() / Megabyte, process.Threads.Count, ThreadPool.ThreadCount, pendingFrames.Reader.Count, alertFeed.Pending);
    }

    // Generations 0, 1 and 2, then the large and the pinned object heaps (GCGenerationInfo).
    private static double SizeAfter(ReadOnlySpan<GCGenerationInfo> generations, int generation) =>
        generation < generations.Length ? generations[generation].SizeAfterBytes / Megabyte : 0;
}
