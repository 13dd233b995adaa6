using System.Globalization;
using System.Text;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Hashing;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Witness.Evidence;
using MedIoT.Ledger.Witness.State;

namespace MedIoT.Ledger.Witness.Cosigning;

/// <summary>
/// The witness's decision on one add-checkpoint request, in the order of C2SP tlog-witness ("add-checkpoint"): parse
/// (400), origin (404), signature (403), old size not above the checkpoint's (400), then under the origin's gate: old size
/// equal to the latest cosigned size (409 with <c>text/x.tlog.size</c>), same size means same root (409), consistency
/// proof (422), persist the new state, and only then cosign (200). Independent of HTTP; thread-safe.
/// </summary>
internal sealed class CheckpointWitness
{
    private readonly IReadOnlyDictionary<string, TrustedLog> _logs;
    private readonly CosignedStateStore _state;
    private readonly EvidenceStore _evidence;
    private readonly Cosigner _cosigner;
    private readonly int _maximumEvidenceFiles;
    private readonly TimeProvider _timeProvider;
    private readonly WitnessMetrics _metrics;
    private readonly RejectionLogThrottle _throttle;
    private readonly ILogger _logger;

    public CheckpointWitness(IReadOnlyDictionary<string, TrustedLog> logs, CosignedStateStore state, EvidenceStore evidence, int maximumEvidenceFiles,
        Cosigner cosigner, TimeProvider timeProvider, WitnessMetrics metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(cosigner);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _logs = logs;
        _state = state;
        _evidence = evidence;
        _maximumEvidenceFiles = maximumEvidenceFiles;
        _cosigner = cosigner;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _throttle = new RejectionLogThrottle(timeProvider);
        _logger = logger;
    }

    /// <summary>The key that verifies this witness's cosignatures.</summary>
    public WitnessKey VerifierKey => _cosigner.VerifierKey;

    /// <summary>The trusted logs by origin.</summary>
    public IReadOnlyDictionary<string, TrustedLog> Logs => _logs;

    /// <summary>The cosigned state.</summary>
    public CosignedStateStore State => _state;

    /// <summary>
    /// The keys of the trusted logs of <paramref name="origin"/> and of every name on the note's signature lines: a
    /// signature by one of them that verifies on a checkpoint of another origin tells a wrong origin apart from a bad
    /// signature, since a log's key is named after its origin and vouches for no other (C2SP tlog-checkpoint, "Signatures").
    /// </summary>
    private List<NoteVerifierKey> TrustedKeysNamedIn(SignedNote note, string origin)
    {
        var keys = new List<NoteVerifierKey>();
        foreach (var name in note.Signatures.Select(s => s.Name).Prepend(origin).Distinct(StringComparer.Ordinal))
        {
            if (_logs.TryGetValue(name, out var trusted))
            {
                keys.AddRange(trusted.Keys);
            }
        }

        return keys;
    }

    /// <summary>Counts a body refused before it was read whole (413) and logs it, throttled.</summary>
    public WitnessResponse RefuseTooLarge(int limit)
    {
        var response = Refuse(413, WitnessRejection.BodyTooLarge, string.Create(CultureInfo.InvariantCulture, $"the body is larger than {limit} bytes"));
        Log.RejectedThrottled(_logger, _throttle, response, "-", response.Body.TrimEnd());
        return response;
    }

    /// <summary>Decides on one request body. Never throws for bad input; an I/O failure persisting the state propagates (500).</summary>
    public async Task<WitnessResponse> AddCheckpointAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!AddCheckpointRequest.TryParse(body.Span, out var request, out var parseError))
        {
            return RefuseLogged(400, WitnessRejection.MalformedBody, "-", parseError);
        }

        // The request parser has checked the note's form; its text must also be a checkpoint body.
        SignedNote.TryParse(request.SignedCheckpoint, out var note);
        if (!Checkpoint.TryParseBody(note!.Text, out var checkpoint))
        {
            return RefuseLogged(400, WitnessRejection.MalformedBody, "-", "the signed note's text is not a checkpoint (origin, size, base64 root)");
        }

        // The origin line has no control characters (checked above); cut to keep the log line short.
        var shown = checkpoint.Origin.Length > 100 ? checkpoint.Origin[..100] + "..." : checkpoint.Origin;

        // One verification serves the origin check and, when it succeeds, the signature check below.
        var verified = note.TryVerify(TrustedKeysNamedIn(note, checkpoint.Origin), out var verifiedBy, out _);
        if (verified && !Checkpoint.IsOriginOf(checkpoint.Origin, verifiedBy))
        {
            return RefuseLogged(403, WitnessRejection.WrongOrigin, shown, "the checkpoint's origin is not the name of the trusted log key that signed it");
        }

        if (!_logs.TryGetValue(checkpoint.Origin, out var log))
        {
            return RefuseLogged(404, WitnessRejection.UnknownOrigin, shown, "the checkpoint's origin is not a log this witness cosigns for");
        }

        // The keys verified above include this log's: if one of them signed, every signature by them verified. Else the
        // log's own keys decide (a bad signature by another log's key does not spoil theirs).
        if (!(verified && verifiedBy.Any(log.Keys.Contains)) && !note.TryVerify(log.Keys, out _, out var noteFailure))
        {
            return RefuseLogged(403, WitnessRejection.BadSignature, log.Origin,
                noteFailure == NoteFailure.InvalidSignature ? "a signature by a trusted key does not verify" : "no signature by a trusted key");
        }

        if (request.OldSize > checkpoint.Size)
        {
            return RefuseLogged(400, WitnessRejection.OldSizeAboveCheckpoint, log.Origin,
                string.Create(CultureInfo.InvariantCulture, $"old size {request.OldSize} is above the checkpoint size {checkpoint.Size}"));
        }

        if (request.OldSize == 0 && request.ConsistencyProof.Count > 0)
        {
            // tlog-witness: "The proof MUST be empty if the old size is zero."
            return RefuseLogged(400, WitnessRejection.ProofFromEmptyTree, log.Origin, "old size 0 with consistency proof lines; the proof must be empty");
        }

        await log.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // From here to the save, nothing else touches this origin's state (tlog-witness, the race of "add-checkpoint").
            var latest = _state.Latest(log.Origin);
            if (request.OldSize != latest.Size)
            {
                _metrics.CountRejected(WitnessRejection.StaleOldSize);
                if (_throttle.ShouldLog(WitnessRejection.StaleOldSize))
                {
                    Log.StaleOldSize(_logger, log.Origin, request.OldSize, latest.Size);
                }

                return new WitnessResponse(409, WitnessResponse.TreeSizeContentType,
                    latest.Size.ToString(CultureInfo.InvariantCulture) + "\n", WitnessRejection.StaleOldSize);
            }

            if (checkpoint.Size == latest.Size && !MerkleHash.FixedTimeEquals(checkpoint.RootHash, latest.RootHash))
            {
                return RefuseInconsistent(409, WitnessRejection.SameSizeDifferentRoot, log.Origin, checkpoint, latest, body,
                    "the checkpoint has the size of the latest cosigned checkpoint but another root hash");
            }

            if (!MerkleProofVerifier.TryVerifyConsistency(latest.Size, checkpoint.Size, latest.RootHash, checkpoint.RootHash,
                request.ConsistencyProof, out var proofFailure))
            {
                return RefuseInconsistent(422, WitnessRejection.InconsistentProof, log.Origin, checkpoint, latest, body,
                    $"the consistency proof from the cosigned size does not verify ({proofFailure})");
            }

            if (checkpoint.Size != latest.Size)
            {
                // Durable before any cosignature of it exists (tlog-witness: "MUST persist the new checkpoint before responding").
                _state.Save(log.Origin, new CosignedCheckpoint(checkpoint.Size, checkpoint.RootHash.ToArray(), request.SignedCheckpoint));
            }
        }
        finally
        {
            log.Gate.Release();
        }

        var cosignature = _cosigner.Cosign(note.Text, _timeProvider.GetUtcNow().ToUnixTimeSeconds());
        _metrics.CountCosigned();
        Log.Cosigned(_logger, log.Origin, checkpoint.Size, request.OldSize);
        return new WitnessResponse(200, WitnessResponse.TextContentType, cosignature, WitnessRejection.None);
    }

    private WitnessResponse RefuseLogged(int status, WitnessRejection reason, string origin, string detail)
    {
        var response = Refuse(status, reason, detail);
        Log.RejectedThrottled(_logger, _throttle, response, origin, detail);
        return response;
    }

    private WitnessResponse Refuse(int status, WitnessRejection reason, string detail)
    {
        _metrics.CountRejected(reason);
        return new WitnessResponse(status, WitnessResponse.TextContentType, detail + "\n", reason);
    }

    private WitnessResponse RefuseInconsistent(int status, WitnessRejection reason, string origin, Checkpoint checkpoint,
        CosignedCheckpoint latest, ReadOnlyMemory<byte> body, string detail)
    {
        // A validly signed checkpoint that contradicts a cosigned one may prove a split view: keep it before answering.
        var path = _evidence.TryKeep(origin, WitnessMetrics.ReasonTag(reason), Encoding.UTF8.GetString(body.Span), latest);
        if (path is null)
        {
            _metrics.CountEvidenceDropped();
            Log.EvidenceFolderFull(_logger, origin, checkpoint.Size, latest.Size, WitnessMetrics.ReasonTag(reason), _maximumEvidenceFiles);
        }
        else
        {
            _metrics.CountEvidenceKept();
            Log.Inconsistent(_logger, origin, checkpoint.Size, latest.Size, WitnessMetrics.ReasonTag(reason), path);
        }

        return Refuse(status, reason, detail);
    }
}
