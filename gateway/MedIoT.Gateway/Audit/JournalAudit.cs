using System.Globalization;
using System.Security.Cryptography;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Journal;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Storage;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;

namespace MedIoT.Gateway.Audit;

/// <summary>
/// Checks readings read back from InfluxDB against the journal and its latest signed checkpoint: every point must be
/// explained by the entry its <c>journal</c> field names (same device, sequence, code, time and value), that entry must be
/// in the signed tree (RFC 9162 §2.1.3.2 inclusion proof against the checkpoint's root), and every reading of every entry
/// in the range must have its point. Read-only: the journal is opened with <see cref="MerkleLogReader"/>.
/// </summary>
internal sealed class JournalAudit(MerkleLogReader log, Checkpoint checkpoint, DeviceRegistry registry)
{
    private readonly Dictionary<long, (LedgerEntry Entry, DeviceFrame Frame, bool InCheckpoint)?> _entries = [];

    /// <summary>Points whose entry is in the log but after the latest checkpoint (verified against the log only).</summary>
    public long NotYetInCheckpoint { get; private set; }

    /// <summary>Points that matched their entry exactly.</summary>
    public long Verified { get; private set; }

    /// <summary>Entries whose readings fall in the range (the readings InfluxDB must hold).</summary>
    public long ExpectedReadings { get; private set; }

    /// <summary>Runs the audit.</summary>
    public IReadOnlyList<AuditFinding> Run(AuditRequest request, IReadOnlyList<StoredPoint> points)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(points);
        var findings = new List<AuditFinding>();
        var stored = new HashSet<(string Device, string Code, long Time)>();
        foreach (var point in points)
        {
            stored.Add((point.Device, point.Code, point.TimeUnixNanoseconds));
            if (Check(point) is { } finding)
            {
                findings.Add(finding);
            }
        }

        long from = Nanoseconds(request.From), to = Nanoseconds(request.To);
        for (long index = 0; index < log.Size; index++)
        {
            if (Load(index) is not { } loaded || !Selected(loaded.Entry.DeviceId, request))
            {
                continue;
            }

            foreach (var observation in loaded.Frame.Observations)
            {
                if (observation.TimeUnixNanoseconds < from || observation.TimeUnixNanoseconds > to)
                {
                    continue;
                }

                ExpectedReadings++;
                var code = observation.Code.ToString(CultureInfo.InvariantCulture);
                if (!stored.Contains((loaded.Entry.DeviceId, code, observation.TimeUnixNanoseconds)))
                {
                    findings.Add(new AuditFinding(AuditFindingKind.Missing, loaded.Entry.DeviceId, code, observation.TimeUnixNanoseconds, index,
                        "the journal holds this reading; InfluxDB does not"));
                }
            }
        }

        return findings;
    }

    private AuditFinding? Check(StoredPoint point)
    {
        AuditFinding Unexplained(string detail) =>
            new(AuditFindingKind.Unexplained, point.Device, point.Code, point.TimeUnixNanoseconds, point.JournalIndex, detail);

        if (point.JournalIndex is not { } index || index < 0 || index >= log.Size)
        {
            return Unexplained(point.JournalIndex is null ? "the point has no journal index" : "the journal index is beyond the journal");
        }

        if (Load(index) is not { } loaded)
        {
            return Unexplained("the journal entry does not decode");
        }

        if (loaded.Entry.DeviceId != point.Device || loaded.Entry.SequenceNumber != point.Sequence)
        {
            return Unexplained("the journal entry is of another device or sequence number");
        }

        var matches = loaded.Frame.Observations.Where(o =>
            o.TimeUnixNanoseconds == point.TimeUnixNanoseconds && o.Code.ToString(CultureInfo.InvariantCulture) == point.Code).ToList();
        if (matches.Count == 0)
        {
            return Unexplained("the journal entry holds no reading of this code at this time");
        }

        // Line protocol carries the shortest round-trip text of a double, so the stored value is the journaled one exactly.
        if (point.Value is not { } value || value != matches[0].Value)
        {
            return new AuditFinding(AuditFindingKind.Altered, point.Device, point.Code, point.TimeUnixNanoseconds, index,
                "the value differs from the signed frame in the journal");
        }

        if (loaded.InCheckpoint)
        {
            Verified++;
        }
        else
        {
            NotYetInCheckpoint++;
        }

        return null;
    }

    private (LedgerEntry Entry, DeviceFrame Frame, bool InCheckpoint)? Load(long index)
    {
        if (_entries.TryGetValue(index, out var cached))
        {
            return cached;
        }

        (LedgerEntry, DeviceFrame, bool)? loaded = null;
        var bytes = log.ReadEntry(index);
        if (LedgerEntry.TryDecode(bytes, out var entry, out _)
            && JwsFrameDecoder.TryDecode(entry.Frame.Span, LedgerEntry.MaxFrameLength, out var token, out _, out _)
            && token.TryReadFrame(out var frame, out _, out _))
        {
            var inCheckpoint = index < checkpoint.Size
                && MerkleProofVerifier.TryVerifyInclusion(index, checkpoint.Size, MerkleHash.HashLeaf(bytes), log.GetInclusionProof(index, checkpoint.Size),
                    checkpoint.RootHash, out _);
            if (index < checkpoint.Size && !inCheckpoint)
            {
                // Covered by the signed tree but not provable: the journal itself was changed.
                throw new InvalidDataException($"Journal entry {index} is not in the signed checkpoint of size {checkpoint.Size}: the journal was altered.");
            }

            loaded = (entry, frame, inCheckpoint);
        }

        _entries[index] = loaded;
        return loaded;
    }

    private bool Selected(string deviceId, AuditRequest request)
    {
        if (request.Device is not null && request.Device != deviceId)
        {
            return false;
        }

        if (request.Ward is null && request.Bed is null)
        {
            return true;
        }

        return registry.TryGet(deviceId, out var device)
            && (request.Ward is null || request.Ward == device.Ward) && (request.Bed is null || request.Bed == device.Bed);
    }

    /// <summary>Whether the log's tree of the checkpoint's size has the checkpoint's root.</summary>
    public static bool IsConsistent(MerkleLogReader log, Checkpoint checkpoint) =>
        checkpoint.Size <= log.Size && CryptographicOperations.FixedTimeEquals(log.GetRootHash(checkpoint.Size), checkpoint.RootHash);

    /// <summary>The latest kept checkpoint that verifies with <paramref name="key"/>, or null.</summary>
    public static (Checkpoint Checkpoint, string Note)? LatestCheckpoint(string journalFolder, NoteVerifierKey key)
    {
        foreach (var note in GatewayJournal.ReadCheckpoints(journalFolder).Reverse())
        {
            if (Checkpoint.TryOpen(note, [key], key.Name, out var checkpoint, out _))
            {
                return (checkpoint, note);
            }
        }

        return null;
    }

    private static long Nanoseconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;
}
