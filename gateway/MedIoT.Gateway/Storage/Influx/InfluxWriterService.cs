using System.Buffers;
using MedIoT.Gateway.Configuration;
using MedIoT.Gateway.Ingestion;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// Takes verified frames from the <see cref="PendingFrameQueue"/>, writes their readings to InfluxDB in
/// batches (by size and by time), and acknowledges each frame only after the batch holding it was
/// written. A failed write is retried with jittered exponential backoff until it succeeds: the frames
/// stay unacknowledged meanwhile, so a crash loses nothing (the broker redelivers them).
/// </summary>
internal sealed class InfluxWriterService(
    PendingFrameQueue queue,
    InfluxWriteClient client,
    IngestionStatistics statistics,
    IOptions<InfluxOptions> options,
    TimeProvider timeProvider,
    ILogger<InfluxWriterService> logger) : BackgroundService
{
    private readonly InfluxOptions _options = options.Value;
    private readonly List<PendingFrame> _batch = [];
    private readonly ArrayBufferWriter<byte> _body = new(64 * 1024);
    private bool _firstStored;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.CreateDatabase)
        {
            await RetryUntilWrittenAsync(ct => client.CreateDatabaseAsync(ct), stoppingToken).ConfigureAwait(false);
            Log.InfluxDatabaseReady(logger, _options.Database, _options.Url);
        }

        var reader = queue.Reader;
        while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            var points = await FillBatchAsync(stoppingToken).ConfigureAwait(false);
            if (points > 0)
            {
                var body = _body.WrittenMemory;
                await RetryUntilWrittenAsync(ct => client.WriteAsync(body, ct), stoppingToken).ConfigureAwait(false);
                statistics.RecordStored(points);
                if (!_firstStored)
                {
                    _firstStored = true;
                    Log.FirstReadingsStored(logger, points, _options.Database, _options.Measurement);
                }
            }

            // Durable: release the frames at their source, in arrival order.
            foreach (var pending in _batch)
            {
                await pending.Acknowledge(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Collects frames until the batch is full or the flush interval since its first frame has passed.</summary>
    private async Task<int> FillBatchAsync(CancellationToken stoppingToken)
    {
        _batch.Clear();
        _body.ResetWrittenCount();
        var points = 0;
        using var flush = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.FlushIntervalMilliseconds), timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(flush.Token, stoppingToken);
        while (points < _options.BatchSize)
        {
            if (queue.Reader.TryRead(out var pending))
            {
                _batch.Add(pending);
                if (pending.Frame is not null)
                {
                    points += VitalSignPoints.Write(_body, _options.Measurement, pending.Frame);
                }

                continue;
            }

            try
            {
                if (!await queue.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (OperationCanceledException) when (flush.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        return points;
    }

    private async Task RetryUntilWrittenAsync(Func<CancellationToken, Task<InfluxWriteResult>> attempt, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(_options.RetryInitialDelayMilliseconds);
        var maximum = TimeSpan.FromMilliseconds(_options.RetryMaximumDelayMilliseconds);
        var failures = 0;
        while (true)
        {
            var result = await attempt(stoppingToken).ConfigureAwait(false);
            if (result == InfluxWriteResult.Written)
            {
                if (failures > 0)
                {
                    Log.InfluxRecovered(logger, failures);
                }

                return;
            }

            // Every failure is retried, a 4xx too: these points are built by the gateway, so a refusal
            // means a setting (database, credentials) and not a bad reading; dropping them would lose data.
            failures++;
            statistics.RecordStoreFailure();
            var jittered = delay * (0.5 + (Random.Shared.NextDouble() / 2));
            await Task.Delay(jittered, timeProvider, stoppingToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maximum.Ticks));
        }
    }
}
