using System.Collections.Concurrent;
using System.Threading.Channels;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Service.Alarms;
using MedIoT.Ledger.Service.Storage;
using MedIoT.Ledger.Service.Tree;
using Microsoft.Extensions.Hosting;

namespace MedIoT.Ledger.Service.Anchoring;

/// <summary>
/// The ledger's single writer, a group commit: it takes every submission waiting in the queue (up to
/// Ledger:MaximumBatchSize), checks each against the gateway's latest anchored checkpoint, and writes the new leaves,
/// the fork evidence and ONE ledger checkpoint signed over the new tree in ONE transaction. Only then are the
/// submissions answered: an acknowledged receipt is always durable. A database failure stops the service (systemd
/// restarts it; the tree is rebuilt from what was committed), because continuing could answer for unrecorded leaves.
/// </summary>
internal sealed class AnchorWriter : BackgroundService
{
    // Bounded: a flood of submissions waits at the HTTP handler (backpressure) instead of growing memory; never dropped.
    private readonly Channel<Submission> _queue;
    private readonly ILedgerStore _store;
    private readonly LedgerTree _tree;
    private readonly LedgerCheckpointSigner _signer;
    private readonly CheckpointBook _book;
    private readonly IReadOnlyCollection<WitnessKey> _witnesses;
    private readonly ForkAlarmPublisher? _alarms;
    private readonly LedgerStatistics _statistics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AnchorWriter> _logger;
    private readonly int _maximumBatchSize;
    private readonly ConcurrentDictionary<string, AnchoredCheckpoint> _latestAnchors;

    public AnchorWriter(ILedgerStore store, LedgerTree tree, LedgerCheckpointSigner signer, CheckpointBook book, IReadOnlyCollection<WitnessKey> witnesses,
        IReadOnlyDictionary<string, AnchoredCheckpoint> latestAnchors, ForkAlarmPublisher? alarms, LedgerStatistics statistics, TimeProvider timeProvider,
        ILogger<AnchorWriter> logger, int queueCapacity, int maximumBatchSize)
    {
        _store = store;
        _tree = tree;
        _signer = signer;
        _book = book;
        _witnesses = witnesses;
        _alarms = alarms;
        _statistics = statistics;
        _timeProvider = timeProvider;
        _logger = logger;
        _maximumBatchSize = maximumBatchSize;
        _latestAnchors = new ConcurrentDictionary<string, AnchoredCheckpoint>(latestAnchors, StringComparer.Ordinal);
        _queue = Channel.CreateBounded<Submission>(new BoundedChannelOptions(queueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>The latest anchored checkpoint of <paramref name="origin"/> (durable), or null.</summary>
    public AnchoredCheckpoint? LatestAnchor(string origin) => _latestAnchors.TryGetValue(origin, out var anchor) ? anchor : null;

    /// <summary>Queues a submission (waits while the queue is full).</summary>
    public ValueTask SubmitAsync(Submission submission, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(submission, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Submission>(_maximumBatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _maximumBatchSize && _queue.Reader.TryRead(out var submission))
                {
                    batch.Add(submission);
                }

                await CommitAsync(batch, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: submissions still queued were never acknowledged; their gateways retry.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
            {
                left.Fail(new OperationCanceledException("The ledger is stopping."));
            }
        }
    }

    private async Task CommitAsync(List<Submission> submissions, CancellationToken cancellationToken)
    {
        var batch = new LedgerBatch();
        var outcomes = new SubmissionOutcome?[submissions.Count];
        var forks = new List<(int Submission, long AnchoredSize, long RefusedSize)>();
        var pending = new Dictionary<string, AnchoredCheckpoint>(StringComparer.Ordinal);
        var pendingBySize = new Dictionary<(string, long), AnchoredCheckpoint>();
        var nextLeaf = _tree.Size;
        try
        {
            for (var i = 0; i < submissions.Count; i++)
            {
                var submission = submissions[i];
                var checkpoint = submission.Checkpoint;
                var latest = pending.GetValueOrDefault(submission.Origin) ?? LatestAnchor(submission.Origin);
                var anchoredSize = latest?.Size ?? 0;
                ForkEvidenceCandidate? fork = null;
                if (latest is not null && checkpoint.Size <= latest.Size)
                {
                    var earlier = checkpoint.Size == latest.Size ? latest
                        : pendingBySize.GetValueOrDefault((submission.Origin, checkpoint.Size))
                          ?? await _store.FindAnchorAsync(submission.Origin, checkpoint.Size, cancellationToken).ConfigureAwait(false);
                    if (earlier is not null && MerkleHash.FixedTimeEquals(earlier.RootHash, checkpoint.RootHash))
                    {
                        outcomes[i] = new SubmissionOutcome(SubmissionStatus.AlreadyAnchored, earlier.LeafIndex, anchoredSize);
                        continue;
                    }

                    if (earlier is not null)
                    {
                        fork = new ForkEvidenceCandidate(checkpoint.Size == latest.Size ? ForkReason.SameSizeDifferentRoot : ForkReason.OlderSizeDifferentRoot, earlier.Note);
                    }
                    else
                    {
                        outcomes[i] = new SubmissionOutcome(SubmissionStatus.OldSizeMismatch, -1, anchoredSize);
                        continue;
                    }
                }
                else if (submission.Request.OldSize != anchoredSize)
                {
                    outcomes[i] = new SubmissionOutcome(SubmissionStatus.OldSizeMismatch, -1, anchoredSize);
                    continue;
                }
                else if (latest is not null
                    && !MerkleProofVerifier.TryVerifyConsistency(latest.Size, checkpoint.Size, latest.RootHash, checkpoint.RootHash, submission.Request.ConsistencyProof, out _))
                {
                    // RFC 9162 §2.1.4.2: the gateway's new tree does not extend the one it anchored.
                    fork = new ForkEvidenceCandidate(ForkReason.InconsistentProof, latest.Note);
                }

                if (fork is not null)
                {
                    batch.Evidence.Add(new ForkEvidence(0, submission.Origin, fork.Reason, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
                        submission.Request.Format(), fork.ConflictingNote));
                    forks.Add((i, anchoredSize, checkpoint.Size));
                    continue;
                }

                var anchor = new AnchoredCheckpoint(nextLeaf++, submission.Origin, checkpoint.Size, checkpoint.RootHash.ToArray(), submission.Request.SignedCheckpoint);
                batch.Anchors.Add(anchor);
                batch.LeafHashes.Add(MerkleHash.HashLeaf(LedgerReceiptLeaf(anchor.Note)));
                pending[anchor.Origin] = anchor;
                pendingBySize[(anchor.Origin, anchor.Size)] = anchor;
                outcomes[i] = new SubmissionOutcome(SubmissionStatus.Anchored, anchor.LeafIndex, anchor.Size);
            }

            Checkpoint? signed = null;
            if (batch.Anchors.Count > 0)
            {
                var previous = _signer.LastSigned;
                _tree.Append(batch.LeafHashes);
                var size = _tree.Size;
                var root = _tree.RootHash(size);
                var proof = previous is null ? [] : _tree.ConsistencyProof(previous.Size, size);
                if (!_signer.TrySign(size, root, proof, out signed, out var note))
                {
                    Log.SigningRefused(_logger, size);
                    throw new InvalidOperationException($"The ledger refused to sign checkpoint {size}: it is not consistent with the last one signed.");
                }

                batch.Checkpoint = new LedgerCheckpointRecord(size, note);
            }

            await _store.CommitAsync(batch, cancellationToken).ConfigureAwait(false);
            if (signed is not null)
            {
                _signer.Accept(signed);
                _book.Add(signed.Size, batch.Checkpoint!.Note, _witnesses);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.StoreFailed(_logger, exception.Message, exception);

            // The host stops when this service throws; a non-zero exit code lets systemd (Restart=on-failure) restart it.
            Environment.ExitCode = 1;
            foreach (var submission in submissions)
            {
                submission.Fail(exception);
            }

            throw;
        }

        foreach (var (origin, anchor) in pending)
        {
            _latestAnchors[origin] = anchor;
        }

        _statistics.RecordBatch(submissions.Count);
        _statistics.RecordAnchored(batch.Anchors.Count);
        for (var f = 0; f < forks.Count; f++)
        {
            var (index, anchoredSize, refusedSize) = forks[f];
            var evidence = batch.StoredEvidence[f];
            outcomes[index] = new SubmissionOutcome(SubmissionStatus.Fork, -1, anchoredSize, evidence.Reason, evidence.Id);
            _statistics.RecordFork();
            _statistics.RecordRejection("fork");
            Log.ForkDetected(_logger, evidence.Origin, refusedSize, anchoredSize, evidence.Reason, evidence.Id);
            _alarms?.Enqueue(new ForkAlarm(evidence.Id, evidence.Origin, evidence.Reason, anchoredSize, refusedSize, evidence.DetectedAtUnixMilliseconds));
        }

        for (var i = 0; i < submissions.Count; i++)
        {
            submissions[i].Complete(outcomes[i]!);
        }
    }

    private static byte[] LedgerReceiptLeaf(string note) => MedIoT.Ledger.Anchoring.LedgerReceipt.LeafFor(note);

    private sealed record ForkEvidenceCandidate(ForkReason Reason, string ConflictingNote);
}
