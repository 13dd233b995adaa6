using MedIoT.Gateway.Journal;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Storage;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>Checks on a journal folder after the gateway that wrote it has stopped.</summary>
internal static class JournalChecks
{
    /// <summary>Every entry of the log, decoded (fails on an entry that does not decode).</summary>
    public static IReadOnlyList<LedgerEntry> ReadEntries(MerkleLog log)
    {
        var entries = new List<LedgerEntry>();
        for (long index = 0; index < log.Size; index++)
        {
            Assert.True(LedgerEntry.TryDecode(log.ReadEntry(index), out var entry, out var failure), $"entry {index}: {failure}");
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>
    /// Every kept checkpoint verifies with <paramref name="key"/> and the log is consistent with it (RFC 9162 §2.1.4
    /// proof from its size to the log's size, checked against the log's current root); every one of
    /// <paramref name="mustBeKept"/> is still kept. Returns the checkpoints.
    /// </summary>
    public static IReadOnlyList<Checkpoint> AssertConsistentWithEveryCheckpoint(MerkleLog log, string journalFolder, NoteVerifierKey key,
        IEnumerable<string> mustBeKept)
    {
        var notes = GatewayJournal.ReadCheckpoints(journalFolder);
        foreach (var earlier in mustBeKept)
        {
            Assert.Contains(earlier, notes);
        }

        var root = log.GetRootHash(log.Size);
        var checkpoints = new List<Checkpoint>();
        foreach (var note in notes)
        {
            Assert.True(Checkpoint.TryOpen(note, [key], key.Name, out var checkpoint, out var noteFailure), $"checkpoint does not verify: {noteFailure}");
            Assert.True(checkpoint.Size <= log.Size, $"checkpoint of size {checkpoint.Size} is beyond the log ({log.Size})");
            var proof = log.GetConsistencyProof(checkpoint.Size, log.Size);
            Assert.True(MerkleProofVerifier.TryVerifyConsistency(checkpoint.Size, log.Size, checkpoint.RootHash, root, proof, out var proofFailure),
                $"the log is not consistent with its checkpoint of size {checkpoint.Size}: {proofFailure}");
            checkpoints.Add(checkpoint);
        }

        for (var i = 1; i < checkpoints.Count; i++)
        {
            Assert.True(checkpoints[i].Size > checkpoints[i - 1].Size, "kept checkpoints grow");
        }

        return checkpoints;
    }
}
