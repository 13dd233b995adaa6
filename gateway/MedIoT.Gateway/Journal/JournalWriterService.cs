using System.Threading.Channels;
using MedIoT.Gateway.Ingestion;
using MedIoT.Ledger.Entries;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Journal;

/// <summary>
/// The only consumer of the <see cref="PendingFrameQueue"/> and of the <see cref="AlarmJournalQueue"/> (alarm events,
/// journaled as gateway event records after the batch's frames, acknowledging nothing): group commit of accepted frames into the journal (what is
/// queued, up to <see cref="JournalOptions.BatchSize"/>, after waiting at most <see cref="JournalOptions.MaxWaitMilliseconds"/>
/// for more), then the acknowledgements of the whole batch in arrival order (MQTT 3.1.1 §4.6), duplicates and rejected
/// frames included. A frame is acknowledged only once it is durable in the journal; a crash before that leaves it with
/// the broker, which redelivers it. Checkpoints are signed every <see cref="JournalOptions.CheckpointEveryEntries"/>
/// entries and every <see cref="JournalOptions.CheckpointIntervalSeconds"/> seconds when the log grew.
/// </summary>
internal sealed class JournalWriterService(
    PendingFrameQueue queue,
    AlarmJournalQueue alarms,
    Func<GatewayJournal> openJournal,
    JournalStatistics statistics,
    IOptions<JournalOptions> options,
    TimeProvider timeProvider,
    ILogger<JournalWriterService> logger) : BackgroundService
{
    private readonly JournalOptions _options = options.Value;

    // Opened when the service runs, not when the host builds its list of services: a bad setting or a missing registry
    // is reported first (this service is registered before the others so that it stops after them).
    private GatewayJournal? _journal;

    private GatewayJournal Journal => _journal ??= openJournal();

    /// <summary>A writer of an already open journal (tests).</summary>
    public JournalWriterService(PendingFrameQueue queue, GatewayJournal journal, JournalStatistics statistics, IOptions<JournalOptions> options,
        TimeProvider timeProvider, ILogger<JournalWriterService> logger)
        : this(queue, new AlarmJournalQueue(), () => journal, statistics, options, timeProvider, logger)
    {
    }

    /// <summary>A writer of an already open journal that also journals alarm events (tests).</summary>
    public JournalWriterService(PendingFrameQueue queue, AlarmJournalQueue alarms, GatewayJournal journal, JournalStatistics statistics,
        IOptions<JournalOptions> options, TimeProvider timeProvider, ILogger<JournalWriterService> logger)
        : this(queue, alarms, () => journal, statistics, options, timeProvider, logger)
    {
    }
    private readonly List<PendingFrame> _batch = [];
    private readonly FrameAcknowledgements _acknowledgements = new();
    private readonly List<VerifiedFrame> _frames = [];
    private readonly List<AlarmEventEntry> _alarmEntries = [];
    private bool _firstAlarmJournaled;

    // Asks the checkpoint task to sign now (count-triggered), so signing and its flushes stay off the append path.
    // Bounded to one, dropping further requests: a request already pending covers them.
    private readonly Channel<bool> _checkpointDue = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.JournalOpened(logger, Journal.Folder, Journal.Size, Journal.RestoredFromSnapshotAt, Journal.Signer.VerifierKey.ToString());
        using var stopCheckpoints = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var checkpoints = SignOnScheduleAsync(stopCheckpoints.Token);
        try
        {
            await WriteAsync(checkpoints, stoppingToken).ConfigureAwait(false);

            // Stopping: the ingest services stopped first (they are registered after this service); what they queued, and
            // a batch interrupted while it was filling, is journaled now, so a serial reading (which no broker would
            // deliver again) is not lost at shutdown.
            while (true)
            {
                Drain();
                if (_batch.Count == 0 && _alarmEntries.Count == 0)
                {
                    break;
                }

                await CommitAsync().ConfigureAwait(false);
            }

            // A last checkpoint and snapshot, so the next start replays almost nothing.
            SignCheckpoint();
        }
        finally
        {
            await stopCheckpoints.CancelAsync().ConfigureAwait(false);
            await checkpoints.ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(Task checkpoints, CancellationToken stoppingToken)
    {
        var reader = queue.Reader;
        long sinceCheckpoint = 0;
        try
        {
            while (await WaitForWorkAsync(reader, stoppingToken).ConfigureAwait(false))
            {
                if (checkpoints.IsFaulted)
                {
                    await checkpoints.ConfigureAwait(false); // a signing failure is fatal: rethrow it
                }

                await FillBatchAsync(stoppingToken).ConfigureAwait(false);
                sinceCheckpoint += await CommitAsync().ConfigureAwait(false);
                if (sinceCheckpoint >= _options.CheckpointEveryEntries)
                {
                    sinceCheckpoint = 0;
                    _checkpointDue.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: ExecuteAsync journals what is still queued.
        }
    }

    /// <summary>
    /// Makes the batch's accepted frames durable, then acknowledges every frame of the batch in arrival order, and empties
    /// the batch. Never cancelled half-way: a batch journaled but not emptied would be journaled twice.
    /// </summary>
    private async Task<int> CommitAsync()
    {
        if (_frames.Count > 0 || _alarmEntries.Count > 0)
        {
            var first = Journal.Append(_frames, _alarmEntries);
            statistics.RecordAppended(_frames, timeProvider.GetUtcNow());
            if (_alarmEntries.Count > 0)
            {
                statistics.RecordAlarmEventsJournaled(_alarmEntries.Count);
                if (!_firstAlarmJournaled)
                {
                    _firstAlarmJournaled = true;
                    Log.FirstAlarmEventJournaled(logger, first + _frames.Count);
                }
            }
        }

        // Durable: release every frame of the batch at its source, in arrival order (the MQTT messages' PUBACKs in one write).
        // An acknowledgement to a lost connection is dropped by the MQTT client (the broker redelivers; the journal knows the frame).
        await _acknowledgements.AcknowledgeAsync(_batch, CancellationToken.None).ConfigureAwait(false);

        var committed = _frames.Count + _alarmEntries.Count;
        _batch.Clear();
        _frames.Clear();
        _alarmEntries.Clear();
        return committed;
    }

    private async Task FillBatchAsync(CancellationToken stoppingToken)
    {
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

    /// <summary>
    /// Completes with true when a frame or an alarm event is queued, false when the frame queue is completed. An abandoned
    /// wait takes nothing from either queue.
    /// </summary>
    private async Task<bool> WaitForWorkAsync(System.Threading.Channels.ChannelReader<PendingFrame> reader, CancellationToken stoppingToken)
    {
        if (alarms.Reader.Count > 0)
        {
            return true;
        }

        var frames = reader.WaitToReadAsync(stoppingToken);
        if (frames.IsCompleted)
        {
            return await frames.ConfigureAwait(false);
        }

        var first = await Task.WhenAny(frames.AsTask(), alarms.Reader.WaitToReadAsync(stoppingToken).AsTask()).ConfigureAwait(false);
        return await first.ConfigureAwait(false);
    }

    private void Drain()
    {
        // Alarm events first (they are few and never wait for the frames); they join the same durable batch.
        while (_alarmEntries.Count < _options.BatchSize && alarms.Reader.TryRead(out var alarmEvent))
        {
            _alarmEntries.Add(AlarmEntries.ToEntry(alarmEvent));
        }

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
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        try
        {
            while (true)
            {
                // Waiting to read takes nothing: an abandoned wait loses no request.
                var requested = _checkpointDue.Reader.WaitToReadAsync(stoppingToken).AsTask();
                if (await Task.WhenAny(tick, requested).ConfigureAwait(false) == tick)
                {
                    if (!await tick.ConfigureAwait(false))
                    {
                        return;
                    }

                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                }
                else
                {
                    await requested.ConfigureAwait(false);
                }

                while (_checkpointDue.Reader.TryRead(out _))
                {
                }

                SignCheckpoint(withSnapshot: false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void SignCheckpoint(bool withSnapshot = true)
    {
        var size = Journal.SignCheckpoint(withSnapshot);
        if (size >= 0)
        {
            statistics.RecordCheckpoint(size);
            Log.CheckpointSigned(logger, size);
        }
    }
}
