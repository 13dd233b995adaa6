using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using MedIoT.Gateway.Journal;
using MedIoT.Hosting;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Anchoring;

/// <summary>
/// Anchors every checkpoint the journal signed in the hospital ledger, in order (issue 8): each submission carries the
/// consistency proof (RFC 9162 §2.1.4) from the last anchored size, read from the journal's own log, and the ledger's
/// receipt is kept durably (<see cref="AnchorStore"/>) before the state moves on. Ingestion never waits on this service.
/// Unreachable ledger, 5xx, timeouts: retried with the gateway's backoff (MedIoT.Hosting), the backlog grows meanwhile. 409 with a
/// size: the ledger already anchored a later checkpoint of ours (a crash came between its answer and our state), so its
/// receipts are fetched and anchoring moves on; a size this journal never signed is a fork alarm (Critical, counted),
/// since only someone with the gateway's key could have submitted it. A 409 without a size or a 422 is the ledger's own
/// fork refusal (our checkpoint contradicts what it holds of ours): the same alarm, retried only with backoff. Other refusals (4xx) are logged, counted and
/// retried with backoff, in case an operator fixes the ledger's registry.
/// </summary>
internal sealed class AnchoringService(
    GatewayJournal journal,
    LedgerClient client,
    AnchoringStatus status,
    IOptions<AnchoringOptions> options,
    TimeProvider timeProvider,
    ILogger<AnchoringService> logger) : BackgroundService
{
    private readonly AnchoringOptions _options = options.Value;
    private readonly NoteVerifierKey _key = journal.Signer.VerifierKey;
    private readonly List<Pending> _pending = [];
    private AnchorStore? _store;
    private CheckpointFeed? _feed;
    private NoteVerifierKey? _ledgerKey;
    private SignedJournalCheckpoint? _anchored;
    private int _failures;
    private long _lastForkSize = -1;

    private enum Step
    {
        Progress,
        Failed,
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            Log.AnchoringDisabled(logger);
            return;
        }

        await Task.Yield();
        status.Enabled = true;
        _ledgerKey = ReceiptCheck.LedgerKey(_options);
        try
        {
            _store = new AnchorStore(journal.Folder);
            _anchored = _store.LoadState(_key, out var problem);
            if (problem is not null)
            {
                Log.AnchoringProblem(logger, problem);
                status.RecordError(problem);
            }

            _feed = new CheckpointFeed(journal.CheckpointsFile, _key);
            Refresh();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The gateway keeps running without anchoring; /health says why.
            Stopped("anchoring cannot start: " + exception.Message);
            return;
        }

        if (_anchored is not null && _anchored.Size > journal.Size)
        {
            Stopped(string.Create(CultureInfo.InvariantCulture,
                $"anchoring cannot start: the anchored size {_anchored.Size} is beyond the journal's {journal.Size} entries (the journal was replaced?)"));
            return;
        }
        Log.AnchoringStarted(logger, _options.LedgerUrl, _anchored?.Size ?? 0, _pending.Count);
        // A failed step is tried again with the gateway's backoff; each run of the pipeline anchors one checkpoint, so
        // the backoff starts over once the ledger took one.
        var retry = Backoff.Create<Step>(
            BackoffOptions.FromMilliseconds(_options.RetryInitialDelayMilliseconds,
                Math.Max(_options.RetryMaximumDelayMilliseconds, _options.RetryInitialDelayMilliseconds), useJitter: true),
            timeProvider,
            outcome => outcome.Result == Step.Failed);
        while (true)
        {
            RefreshOrRecord();
            if (_pending.Count == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(_options.PollIntervalMilliseconds), timeProvider, stoppingToken).ConfigureAwait(false);
                continue;
            }

            var attempts = 0;
            await retry.ExecuteAsync(async ct =>
            {
                if (attempts++ > 0)
                {
                    RefreshOrRecord();
                }

                return _pending.Count == 0 ? Step.Progress : await TryAnchorNextAsync(ct).ConfigureAwait(false);
            }, stoppingToken).ConfigureAwait(false);
        }
    }

    private void RefreshOrRecord()
    {
        try
        {
            Refresh();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.AnchoringProblem(logger, "cannot read the kept checkpoints: " + exception.Message);
            status.RecordError("cannot read the kept checkpoints: " + exception.Message);
        }
    }

    private async Task<Step> TryAnchorNextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await AnchorNextAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // The proof could not be read, or the receipt or the state could not be written: nothing moved on; try again later.
            Log.AnchoringProblem(logger, "cannot read the proof or keep the receipt or the anchoring state: " + exception.Message);
            status.RecordError("cannot read the proof or keep the receipt or the anchoring state: " + exception.Message);
            return Step.Failed;
        }
    }

    private async Task<Step> AnchorNextAsync(CancellationToken cancellationToken)
    {
        var next = _pending[0].Checkpoint;
        var oldSize = _anchored?.Size ?? 0;
        byte[][] proof = oldSize == 0 ? [] : journal.Log.GetConsistencyProof(oldSize, next.Size);
        status.RecordSubmission();
        var answer = await client.SubmitAsync(new AddCheckpointRequest(oldSize, proof, next.Note), cancellationToken).ConfigureAwait(false);
        switch (answer.Kind)
        {
            case LedgerAnswerKind.Ok:
                if (!TryCheckReceipt(next, answer.Body, out var failure, out var reason))
                {
                    return BadReceipt(next.Size, failure, reason);
                }

                Available();
                Keep(next, answer.Body!);
                return Step.Progress;
            case LedgerAnswerKind.Conflict:
                Available();
                return await ReconcileAsync(answer.Size, answer.Detail, cancellationToken).ConfigureAwait(false);
            case LedgerAnswerKind.Fork:
                Available();
                return RefusedAsFork(next.Size, oldSize, answer.Detail);
            case LedgerAnswerKind.Unavailable:
                return Unavailable(answer.Detail);
            default:
                Available();
                status.RecordRefused();
                var message = string.Create(CultureInfo.InvariantCulture, $"the ledger refused checkpoint {next.Size} (old size {oldSize}): {answer.Detail}");
                status.RecordError(message);
                Log.AnchoringRefused(logger, next.Size, oldSize, answer.Detail);
                return Step.Failed;
        }
    }

    // 409 (tlog-witness): the ledger's latest anchored size for our origin is not the old size we sent.
    private async Task<Step> ReconcileAsync(long ledgerSize, string detail, CancellationToken cancellationToken)
    {
        var ours = _anchored?.Size ?? 0;
        if (ledgerSize != 0 && ledgerSize != ours && !_feed!.Signed(ledgerSize))
        {
            status.RecordForkAlarm();
            var message = string.Create(CultureInfo.InvariantCulture,
                $"FORK ALARM: the ledger holds a checkpoint of size {ledgerSize} for {_key.Name}, which this journal never signed (journal signed up to {_feed.LatestSize})");
            status.RecordError(message);
            if (ledgerSize != _lastForkSize)
            {
                _lastForkSize = ledgerSize;
                Log.AnchoringForkAlarm(logger, ledgerSize, _key.Name, _feed.LatestSize);
            }

            return Step.Failed;
        }

        if (ledgerSize > ours)
        {
            // Ours and already anchored: fetch the receipts we missed, then move on.
            foreach (var pending in _pending.Where(p => p.Checkpoint.Size <= ledgerSize).ToArray())
            {
                var answer = await client.GetReceiptAsync(_key.Name, pending.Checkpoint.Size, cancellationToken).ConfigureAwait(false);
                if (answer.Kind == LedgerAnswerKind.Unavailable)
                {
                    return Unavailable(answer.Detail);
                }

                string? reason = null;
                var failure = ReceiptFailure.Malformed;
                if (answer.Kind == LedgerAnswerKind.Ok && TryCheckReceipt(pending.Checkpoint, answer.Body, out failure, out reason))
                {
                    _store!.SaveReceipt(pending.Checkpoint.Size, answer.Body!);
                }
                else if (failure == ReceiptFailure.WrongLedgerOrigin)
                {
                    // Signed by the trusted ledger key but for another ledger: not evidence about our history, a bad receipt.
                    return BadReceipt(pending.Checkpoint.Size, failure, reason!);
                }
                else if (pending.Checkpoint.Size == ledgerSize)
                {
                    // The ledger's latest checkpoint of ours has the size of one we signed but is not provably that one:
                    // another checkpoint of that size carries our key. Never record it as anchored.
                    return NotOurs(ledgerSize, reason ?? answer.Detail);
                }
                else
                {
                    Log.AnchoringReceiptMissing(logger, pending.Checkpoint.Size, reason ?? answer.Detail);
                }
            }

            Log.AnchoringReconciled(logger, ours, ledgerSize);
            Keep(_pending.First(p => p.Checkpoint.Size == ledgerSize).Checkpoint, null);
            return Step.Progress;
        }

        if (ledgerSize < ours)
        {
            // The ledger holds less of ours than we anchored (restored from an older backup?): anchor again from its size.
            var message = string.Create(CultureInfo.InvariantCulture, $"the ledger holds our checkpoints only up to size {ledgerSize}, below the {ours} anchored before; anchoring again from there");
            status.RecordError(message);
            Log.AnchoringLedgerBehind(logger, ledgerSize, ours);
            Rewind(ledgerSize);
            return Step.Progress;
        }

        status.RecordRefused();
        status.RecordError("the ledger answered 409 with the size we sent: " + detail);
        Log.AnchoringRefused(logger, _pending[0].Checkpoint.Size, ours, detail);
        return Step.Failed;
    }

    // 409 text/plain or 422: the ledger holds another checkpoint of ours at that size, or our proof does not lead from what
    // it anchored to what we signed now. Either way two histories carry our signature: alarm, never a size to retry from.
    private Step RefusedAsFork(long size, long oldSize, string detail)
    {
        status.RecordForkAlarm();
        status.RecordError(string.Create(CultureInfo.InvariantCulture,
            $"FORK ALARM: the ledger refused checkpoint {size} (old size {oldSize}) as inconsistent with what {_key.Name} anchored before: {detail}"));
        if (size != _lastForkSize)
        {
            _lastForkSize = size;
            Log.AnchoringRefusedAsFork(logger, size, oldSize, _key.Name, detail);
        }

        return Step.Failed;
    }

    private Step NotOurs(long size, string reason)
    {
        status.RecordForkAlarm();
        status.RecordError(string.Create(CultureInfo.InvariantCulture,
            $"FORK ALARM: the ledger's anchored checkpoint of size {size} for {_key.Name} is not the one this journal signed: {reason}"));
        if (size != _lastForkSize)
        {
            _lastForkSize = size;
            Log.AnchoringForkNotOurs(logger, size, _key.Name, reason);
        }

        return Step.Failed;
    }

    private void Keep(SignedJournalCheckpoint checkpoint, string? receipt)
    {
        if (receipt is not null)
        {
            _store!.SaveReceipt(checkpoint.Size, receipt);
        }

        _store!.SaveState(checkpoint);
        _anchored = checkpoint;
        _pending.RemoveAll(p => p.Checkpoint.Size <= checkpoint.Size);
        status.RecordAnchored();
        Log.CheckpointAnchored(logger, checkpoint.Size, _pending.Count);
        PublishBacklog();
    }

    private void Rewind(long size)
    {
        var note = size == 0 ? null : GatewayJournal.ReadCheckpoints(journal.Folder).FirstOrDefault(n =>
            Checkpoint.TryOpen(n, [_key], _key.Name, out var checkpoint, out _) && checkpoint.Size == size);
        _anchored = note is null ? null : new SignedJournalCheckpoint(size, note);
        if (_anchored is not null)
        {
            _store!.SaveState(_anchored);
        }

        _feed = new CheckpointFeed(journal.CheckpointsFile, _key);
        _pending.Clear();
        Refresh();
    }

    private void Refresh()
    {
        var now = timeProvider.GetUtcNow();
        var floor = Math.Max(_anchored?.Size ?? 0, _pending.Count == 0 ? 0 : _pending[^1].Checkpoint.Size);
        foreach (var checkpoint in _feed!.ReadNew((offset, reason) => Log.AnchoringProblem(logger, string.Create(CultureInfo.InvariantCulture, $"the kept checkpoint record at offset {offset} is skipped: {reason}"))))
        {
            if (checkpoint.Size > floor)
            {
                _pending.Add(new Pending(checkpoint, now));
                floor = checkpoint.Size;
            }
        }

        PublishBacklog();
    }

    private void PublishBacklog() =>
        status.SetBacklog(_anchored?.Size ?? 0, _pending.Count, _pending.Count == 0 ? null : _pending[0].Seen);

    private bool TryCheckReceipt(SignedJournalCheckpoint checkpoint, string? body, out ReceiptFailure failure, [NotNullWhen(false)] out string? reason) =>
        ReceiptCheck.TryCheck(checkpoint.Note, body, _ledgerKey, out _, out failure, out reason);

    private void Stopped(string message)
    {
        Log.AnchoringProblem(logger, message);
        status.RecordError(message);
    }

    // A receipt refused: counted as a wrong ledger origin (signed by the trusted ledger key, for another ledger) or as a
    // bad receipt (everything else), logged (event 136 with the reason) and retried with backoff.
    private Step BadReceipt(long size, ReceiptFailure failure, string reason)
    {
        if (failure == ReceiptFailure.WrongLedgerOrigin)
        {
            status.RecordWrongLedgerOrigin();
        }
        else
        {
            status.RecordBadReceipt();
        }

        status.RecordError(string.Create(CultureInfo.InvariantCulture, $"the ledger's receipt for checkpoint {size} was refused: {reason}"));
        Log.AnchoringBadReceipt(logger, size, reason);
        return Step.Failed;
    }

    private Step Unavailable(string detail)
    {
        status.RecordUnavailable();
        status.RecordError("the ledger is unavailable: " + detail);
        if (_failures++ == 0)
        {
            Log.LedgerUnavailable(logger, detail, _pending.Count);
        }

        return Step.Failed;
    }

    private void Available()
    {
        if (_failures > 0)
        {
            Log.LedgerAvailableAgain(logger, _failures, _pending.Count);
            _failures = 0;
        }
    }

    private sealed record Pending(SignedJournalCheckpoint Checkpoint, DateTimeOffset Seen);
}
