using System.Diagnostics;
using MedIoT.Gateway.Alerts.Feed;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Journal;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Hosting;

/// <summary>
/// At debug level, logs the process's memory every <see cref="JournalOptions.BacklogLogIntervalSeconds"/>, beside the
/// backlog line: the resident set, the GC's heap after its last collection, and the depth of the in-memory queues, so a
/// memory measurement can tell the managed heap from native memory and from queued frames (docs/benchmarks/ingest.md).
/// Enable it with <c>Logging:LogLevel:MedIoT.Gateway.Hosting.MemoryReportService=Debug</c>.
/// </summary>
internal sealed class MemoryReportService(
    PendingFrameQueue pendingFrames,
    AlarmFeed alarmFeed,
    IOptions<JournalOptions> options,
    TimeProvider timeProvider,
    ILogger<MemoryReportService> logger) : BackgroundService
{
    private const double Megabyte = 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.BacklogLogIntervalSeconds), timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                LogMemory();
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
            gc.Generation, GC.GetTotalAllocatedBytes() / Megabyte, process.Threads.Count, ThreadPool.ThreadCount, pendingFrames.Reader.Count, alarmFeed.Pending);
    }

    // Generations 0, 1 and 2, then the large and the pinned object heaps (GCGenerationInfo).
    private static double SizeAfter(ReadOnlySpan<GCGenerationInfo> generations, int generation) =>
        generation < generations.Length ? generations[generation].SizeAfterBytes / Megabyte : 0;
}
