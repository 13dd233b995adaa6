using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Ingestion;

/// <summary>Logs the ingestion totals periodically, so a rejection counted silently after its first log line is still seen.</summary>
internal sealed class IngestionSummaryService(IngestionStatistics statistics, IOptions<IngestionOptions> options, TimeProvider timeProvider) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RejectionSummaryIntervalSeconds), timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                statistics.LogSummary();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
