using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Storage;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Journal;

/// <summary>
/// The only consumer of the <see cref="PendingFrameQueue"/>: group commit of accepted frames into the journal (what is
/// queued, up to <see cref="JournalOptions.BatchSize"/>, after waiting at most <see cref="JournalOptions.MaxWaitMilliseconds"/>
/// for more), then the acknowledgements of the whole batch in arrival order (MQTT 3.1.1 §4.6), duplicates and rejected
/// frames included. A frame is acknowledged only once it is durable in the journal; a crash before that leaves it with
/// the broker, which redelivers it. Checkpoints are signed every <see cref="JournalOptions.CheckpointEveryEntries"/>
/// entries and every <see cref="JournalOptions.CheckpointIntervalSeconds"/> seconds when the log grew.
/// </summary>
internal sealed class JournalWriterService(
    PendingFrameQueue queue,
    GatewayJournal journal,
    JournalStatistics statistics,
    IOptions<JournalOptions> options,
    TimeProvider timeProvider,
    ILogger<JournalWriterService> logger) : BackgroundService
{
    private readonly JournalOptions _options = options.Value;
    private readonly List<PendingFrame> _batch = [];
    private readonly List<VerifiedFrame> _frames = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.JournalOpened(logger, journal.Folder, journal.Size, journal.RestoredFromSnapshotAt, journal.Signer.VerifierKey.ToString());
        var checkpoints = SignOnScheduleAsync(stoppingToken);
        try
        {
            await WriteAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await checkpoints.ConfigureAwait(false);
            // A last checkpoint and snapshot, so the next start replays almost nothing.
            SignCheckpoint();
        }
    }

    private async Task WriteAsync(CancellationToken stoppingToken)
    {
        var reader = queue.Reader;
        long sinceCheckpoint = 0;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await FillBatchAsync(stoppingToken).ConfigureAwait(false);
                if (_frames.Count > 0)
                {
                    journal.Append(_frames);
                    statistics.RecordAppended(_frames, timeProvider.GetUtcNow());
                    sinceCheckpoint += _frames.Count;
                }

                // Durable: release every frame of the batch at its source, in arrival order.
                foreach (var pending in _batch)
                {
                    await pending.Acknowledge(stoppingToken).ConfigureAwait(false);
                }

                if (sinceCheckpoint >= _options.CheckpointEveryEntries)
                {
                    sinceCheckpoint = 0;
                    SignCheckpoint();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: frames still queued were never acknowledged; the broker redelivers them.
        }
    }

    private async Task FillBatchAsync(CancellationToken stoppingToken)
    {
        _batch.Clear();
        _frames.Clear();
        Drain();
        if (_batch.Count < _options.BatchSize && _options.MaxWaitMilliseconds > 0)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(_options.MaxWaitMilliseconds), timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, stoppingToken);
            try
            {
                while (_batch.Count < _options.BatchSize && await queue.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false))
                {
                    Drain();
                }
            }
            catch (OperationCanceledException) when (wait.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                // The group commit's wait is over.
            }
        }
    }

    private void Drain()
    {
        while (_batch.Count < _options.BatchSize && queue.Reader.TryRead(out var pending))
        {
            _batch.Add(pending);
            if (pending.Frame is not null)
            {
                _frames.Add(pending.Frame);
            }
        }
    }

    private async Task SignOnScheduleAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.CheckpointIntervalSeconds), timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                SignCheckpoint();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void SignCheckpoint()
    {
        var size = journal.SignCheckpoint();
        if (size >= 0)
        {
            statistics.RecordCheckpoint(size);
            Log.CheckpointSigned(logger, size);
        }
    }
}
