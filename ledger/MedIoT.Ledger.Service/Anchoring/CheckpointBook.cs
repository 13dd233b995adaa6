using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Service.Storage;

namespace MedIoT.Ledger.Service.Anchoring;

/// <summary>
/// The ledger's recent signed checkpoints and the witness cosignatures collected on each, in memory (the store keeps
/// them all). Receipts are built against the best of them: the one with the most cosignatures that covers the leaf.
/// Bounded to the latest <see cref="Capacity"/> checkpoints. Thread-safe; waiters are woken on every change.
/// </summary>
internal sealed class CheckpointBook
{
    /// <summary>How many recent checkpoints are kept in memory.</summary>
    public const int Capacity = 4096;

    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, Entry> _entries = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Entry? _latest;

    /// <summary>The latest signed checkpoint with its cosignatures, or null for an empty ledger.</summary>
    public LedgerCheckpointRecord? Latest
    {
        get
        {
            lock (_lock)
            {
                return _latest?.Record;
            }
        }
    }

    /// <summary>The latest checkpoint's note as signed by the ledger alone (what witnesses are asked to cosign).</summary>
    public (long Size, string SignedNote)? LatestUncosigned
    {
        get
        {
            lock (_lock)
            {
                return _latest is null ? null : (_latest.Record.Size, _latest.SignedNote);
            }
        }
    }

    /// <summary>Completes at the next change (a new checkpoint or cosignature).</summary>
    public Task Changed
    {
        get
        {
            lock (_lock)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Adds a stored checkpoint. <paramref name="note"/> may already carry cosignatures (loaded at start).</summary>
    public void Add(long size, string note, IReadOnlyCollection<WitnessKey> witnesses)
    {
        var signedNote = note;
        var cosigners = new HashSet<string>(StringComparer.Ordinal);
        if (SignedNote.TryParse(note, out var parsed) && Cosignatures.TryVerify(parsed, witnesses, out var cosignedBy) && cosignedBy.Count > 0)
        {
            foreach (var witness in cosignedBy)
            {
                cosigners.Add(witness.Name);
            }

            // The ledger's own signature line comes first; cosignature lines follow it.
            var firstSignature = note.IndexOf("\n\n" + SignedNote.SignatureLinePrefix, StringComparison.Ordinal);
            var endOfFirst = note.IndexOf('\n', firstSignature + 2);
            signedNote = note[..(endOfFirst + 1)];
        }

        lock (_lock)
        {
            var entry = new Entry(new LedgerCheckpointRecord(size, note), signedNote, cosigners, []);
            _entries[size] = entry;
            if (_latest is null || size >= _latest.Record.Size)
            {
                _latest = entry;
            }

            while (_entries.Count > Capacity)
            {
                _entries.Remove(_entries.Keys.First());
            }

            Signal();
        }
    }

    /// <summary>Adds a verified cosignature line of <paramref name="witnessName"/> to checkpoint <paramref name="size"/>; the updated record, or null when the checkpoint is no longer kept or already cosigned by that witness.</summary>
    public LedgerCheckpointRecord? AddCosignature(long size, string witnessName, string cosignatureLine)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(size, out var entry) || entry.Cosigners.Contains(witnessName))
            {
                return null;
            }

            var updated = new Entry(entry.Record with { Note = entry.Record.Note + cosignatureLine }, entry.SignedNote,
                new HashSet<string>(entry.Cosigners, StringComparer.Ordinal) { witnessName }, entry.Refusals);
            _entries[size] = updated;
            if (ReferenceEquals(_latest, entry))
            {
                _latest = updated;
            }

            Signal();
            return updated.Record;
        }
    }

    /// <summary>Records that <paramref name="witnessName"/> answered checkpoint <paramref name="size"/> without a cosignature (refused, failed, timed out).</summary>
    public void AddRefusal(long size, string witnessName)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(size, out var entry) && !entry.Cosigners.Contains(witnessName) && entry.Refusals.Add(witnessName))
            {
                Signal();
            }
        }
    }

    /// <summary>
    /// The kept checkpoint that covers leaf <paramref name="leafIndex"/> with the most cosignatures (the latest of
    /// equals), and that count; null when none covers it.
    /// </summary>
    public (LedgerCheckpointRecord Record, int Cosignatures)? BestCovering(long leafIndex)
    {
        lock (_lock)
        {
            Entry? best = null;
            foreach (var entry in _entries.Values)
            {
                if (entry.Record.Size > leafIndex && (best is null || entry.Cosigners.Count >= best.Cosigners.Count))
                {
                    best = entry;
                }
            }

            return best is null ? null : (best.Record, best.Cosigners.Count);
        }
    }

    /// <summary>
    /// Waits until a checkpoint covering <paramref name="leafIndex"/> is cosigned by all <paramref name="witnessCount"/>
    /// witnesses, or by <paramref name="requiredCosignatures"/> with every other witness having answered it without a
    /// cosignature, or until <paramref name="wait"/> passes; returns the best covering checkpoint then.
    /// </summary>
    public async Task<LedgerCheckpointRecord?> WaitForCoveringAsync(long leafIndex, int witnessCount, int requiredCosignatures, TimeSpan wait,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(wait, timeProvider);
        while (true)
        {
            var changed = Changed;
            lock (_lock)
            {
                var best = Best(leafIndex);
                if (best is not null && (best.Cosigners.Count >= witnessCount
                    || (best.Cosigners.Count >= requiredCosignatures && _entries.Values.Any(e => e.Record.Size > leafIndex
                        && e.Cosigners.Count >= requiredCosignatures && e.Cosigners.Count + e.Refusals.Count >= witnessCount))))
                {
                    return best.Record;
                }
            }

            try
            {
                await changed.WaitAsync(timeout.Token).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return BestCovering(leafIndex)?.Record;
            }
        }
    }

    private Entry? Best(long leafIndex)
    {
        Entry? best = null;
        foreach (var entry in _entries.Values)
        {
            if (entry.Record.Size > leafIndex && (best is null || entry.Cosigners.Count >= best.Cosigners.Count))
            {
                best = entry;
            }
        }

        return best;
    }

    private void Signal()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    private sealed record Entry(LedgerCheckpointRecord Record, string SignedNote, HashSet<string> Cosigners, HashSet<string> Refusals);
}
