using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Journal;

/// <summary>Logs the backlog (journal size, InfluxDB writer lag) every <see cref="JournalOptions.BacklogLogIntervalSeconds"/>.</summary>
internal sealed class BacklogReportService(
    GatewayJournal journal,
    JournalStatistics statistics,
    IOptions<JournalOptions> options,
    TimeProvider timeProvider,
    ILogger<BacklogReportService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.BacklogLogIntervalSeconds), timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var backlog = JournalBacklog.Measure(journal, statistics, timeProvider);
                Log.JournalBacklog(logger, backlog.JournalSize, backlog.WriterPosition, backlog.LagEntries, backlog.LagSeconds);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
