using System.Buffers;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Journal;
using MedIoT.Hosting;
using Microsoft.Extensions.Options;
using Polly;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// Tails the journal from its own persisted position (<see cref="InfluxCursor"/>) and writes the readings of every entry
/// to InfluxDB, each point carrying its journal index. Batches by size (<see cref="InfluxOptions.BatchSize"/> points)
/// and by time (<see cref="InfluxOptions.FlushIntervalMilliseconds"/>), gzip bodies, strictly in journal order. A write
/// that fails for lack of InfluxDB (timeout, refused connection, 5xx) or for a setting (other 4xx) is retried with
/// the gateway's backoff (MedIoT.Hosting) until it succeeds; points InfluxDB refuses as bad are logged and counted and never
/// block the rest. The cursor moves (atomically, durably) only after a batch is written, so a crash writes at most one
/// batch again, which InfluxDB stores once (a point is identified by series and timestamp). Nothing is acknowledged
/// here: the journal did that.
/// </summary>
internal sealed class InfluxWriterService(
    GatewayJournal journal,
    DeviceRegistry registry,
    InfluxWriteClient client,
    IngestionStatistics statistics,
    JournalStatistics journalStatistics,
    IOptions<InfluxOptions> options,
    TimeProvider timeProvider,
    ILogger<InfluxWriterService> logger) : BackgroundService
{
    private readonly InfluxOptions _options = options.Value;
    private readonly ArrayBufferWriter<byte> _body = new(64 * 1024);
    private readonly MemoryStream _compressed = new(16 * 1024);
    private bool _firstStored;
    private int _failedWrites;
    private ResiliencePipeline<(InfluxWriteResult Result, string ErrorKind)>? _retry;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var position = InfluxCursor.Read(journal.InfluxCursorFile);
        if (position > journal.Size)
        {
            throw new InvalidOperationException(
                $"The InfluxDB cursor '{journal.InfluxCursorFile}' is at entry {position} but the journal holds {journal.Size}: the journal was replaced. " +
                "Delete the cursor to write the whole journal again.");
        }

        journalStatistics.RecordWriterPosition(position);
        Log.InfluxWriterResuming(logger, position, journal.Size);
        try
        {
            if (_options.CreateDatabase && _options.ApiVersion == InfluxApiVersion.V1)
            {
                await RetryUntilWrittenAsync(async ct => (await client.CreateDatabaseAsync(ct).ConfigureAwait(false), string.Empty), stoppingToken).ConfigureAwait(false);
                Log.InfluxDatabaseReady(logger, _options.Database, _options.Url);
            }

            while (true)
            {
                await journal.WaitForSizeAboveAsync(position, stoppingToken).ConfigureAwait(false);
                var (end, points, alarmPoints) = await FillBatchAsync(position, stoppingToken).ConfigureAwait(false);
                if (points > 0)
                {
                    var body = InfluxWriteClient.Compress(_body.WrittenSpan, _compressed);
                    var (result, errorKind) = await RetryUntilWrittenAsync(ct => client.WriteAsync(body, ct), stoppingToken).ConfigureAwait(false);
                    if (result == InfluxWriteResult.PointsRefused)
                    {
                        var dropped = InfluxWriteClient.DroppedPoints(errorKind);
                        journalStatistics.RecordPointsRefused(dropped < 0 ? points : dropped);
                        Log.InfluxPointsRefused(logger, dropped < 0 ? points : dropped, position, end - 1, errorKind);
                    }

                    statistics.RecordStored(points - alarmPoints); // readings only: alarm events are not observations
                    if (!_firstStored)
                    {
                        _firstStored = true;
                        Log.FirstReadingsStored(logger, points, _options.ApiVersion == InfluxApiVersion.V2 ? _options.Bucket : _options.Database, _options.Measurement);
                    }
                }

                InfluxCursor.Write(journal.InfluxCursorFile, end);
                journalStatistics.RecordWriterPosition(end);
                position = end;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the cursor names what is durable in InfluxDB; the rest is written after the next start.
        }
    }

    public override void Dispose()
    {
        _compressed.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Collects the points of the entries from <paramref name="from"/> until the batch is full or the flush interval
    /// since the batch began has passed; returns the end (exclusive) of the entries taken and the number of points.
    /// </summary>
    private async Task<(long End, int Points, int AlarmPoints)> FillBatchAsync(long from, CancellationToken stoppingToken)
    {
        _body.ResetWrittenCount();
        var points = 0;
        var alarmPoints = 0;
        var index = from;
        using var flush = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.FlushIntervalMilliseconds), timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(flush.Token, stoppingToken);
        while (points < _options.BatchSize)
        {
            var size = journal.Size;
            while (index < size && points < _options.BatchSize)
            {
                if (journal.TryGetRecent(index, out var recent))
                {
                    points += VitalSignPoints.Write(_body, _options.Measurement, recent, index);
                }
                else
                {
                    var entry = journal.Log.ReadEntry(index);
                    var written = JournalPoints.Write(_body, _options.Measurement, entry, index, registry, out var problem);
                    points += written;
                    alarmPoints += Ledger.Entries.AlarmEventEntry.IsGatewayEvent(entry) ? written : 0;
                    if (problem is not null)
                    {
                        Log.JournalEntryUnreadable(logger, index, problem);
                    }
                }

                index++;
            }

            if (points >= _options.BatchSize)
            {
                break;
            }

            try
            {
                await journal.WaitForSizeAboveAsync(index, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (flush.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        return (index, points, alarmPoints);
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> until InfluxDB took the batch (written, or some points refused as bad), waiting with
    /// the gateway's backoff (<c>Gateway:Influx:Retry*</c>) in between. Unavailable, or refused for a setting (database,
    /// credentials): dropping the batch would lose readings, so it is never given up.
    /// </summary>
    private async Task<(InfluxWriteResult Result, string ErrorKind)> RetryUntilWrittenAsync(
        Func<CancellationToken, Task<(InfluxWriteResult Result, string ErrorKind)>> attempt, CancellationToken stoppingToken)
    {
        _retry ??= Backoff.Create<(InfluxWriteResult Result, string ErrorKind)>(
            BackoffOptions.FromMilliseconds(_options.RetryInitialDelayMilliseconds, _options.RetryMaximumDelayMilliseconds, useJitter: true),
            timeProvider,
            outcome => outcome.Exception is null && outcome.Result.Result is not (InfluxWriteResult.Written or InfluxWriteResult.PointsRefused),
            (_, _) =>
            {
                _failedWrites++;
                statistics.RecordStoreFailure();
                journalStatistics.RecordWriteFailure();
            });
        var outcome = await _retry.ExecuteAsync(async ct => await attempt(ct).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
        if (_failedWrites > 0)
        {
            Log.InfluxRecovered(logger, _failedWrites);
            _failedWrites = 0;
        }

        return outcome;
    }
}
