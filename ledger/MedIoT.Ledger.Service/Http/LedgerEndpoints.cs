using System.Globalization;
using System.Text.Json;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Service.Anchoring;
using MedIoT.Ledger.Service.Registry;
using MedIoT.Ledger.Service.Storage;
using MedIoT.Ledger.Service.Tree;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MedIoT.Ledger.Service.Http;

/// <summary>
/// The ledger's HTTP API (docs/ledger-service.md): POST /add-checkpoint (C2SP tlog-witness status codes), GET
/// /checkpoint, /receipt, /anchored, /evidence, /health. Every refusal is counted per reason and logged once per reason.
/// </summary>
internal sealed class LedgerEndpoints(
    GatewayRegistry registry, AnchorWriter writer, CheckpointBook book, LedgerTree tree, ILedgerStore store, LedgerCheckpointSigner signer,
    int witnessCount, int requiredCosignatures, TimeSpan receiptCosignatureWait, LedgerStatistics statistics, TimeProvider timeProvider,
    ILogger<LedgerEndpoints> logger)
{
    private const string SizeContentType = "text/x.tlog.size";
    private const string TextContentType = "text/plain; charset=utf-8";

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/add-checkpoint", (Delegate)AddCheckpointAsync);
        routes.MapGet("/checkpoint", (Delegate)GetCheckpoint);
        routes.MapGet("/receipt", (Delegate)GetReceiptAsync);
        routes.MapGet("/anchored", (Delegate)GetAnchored);
        routes.MapGet("/evidence", (Delegate)GetEvidenceAsync);
        routes.MapGet("/health", (Delegate)GetHealth);
    }

    private async Task<IResult> AddCheckpointAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        byte[] body;
        try
        {
            body = await ReadBodyAsync(context.Request, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception)
        {
            return Reject(exception.StatusCode, "body-unreadable", "-", exception.Message);
        }

        if (!AddCheckpointRequest.TryParse(body, out var request, out var error))
        {
            return Reject(StatusCodes.Status400BadRequest, "malformed", "-", error);
        }

        // The origin comes from the note's body. The signatures are checked with the registered keys of the origin and of
        // every registered gateway that signed the note, so that a registered gateway's key signing another origin's
        // checkpoint is told apart (wrong-origin) from a signature that is bad or by no registered key.
        if (!SignedNote.TryParse(request.SignedCheckpoint, out var note) || !Checkpoint.TryParseBody(note.Text, out var claimed))
        {
            return Reject(StatusCodes.Status400BadRequest, "malformed", "-", "the note's body is not a checkpoint");
        }

        var registered = registry.TryGetKey(claimed.Origin, out _);
        var keys = RegisteredKeys(claimed.Origin, note);
        if (!Checkpoint.TryOpen(request.SignedCheckpoint, keys, null, out var checkpoint, out var failure))
        {
            return failure switch
            {
                NoteFailure.WrongOrigin => Reject(StatusCodes.Status403Forbidden, "wrong-origin", claimed.Origin,
                    "the checkpoint's origin is not the name of the registered gateway key that signed it"),
                NoteFailure.NoKnownSignature or NoteFailure.InvalidSignature when !registered =>
                    Reject(StatusCodes.Status404NotFound, "unknown-origin", claimed.Origin, "the origin is not in the gateway registry"),
                _ => Reject(StatusCodes.Status403Forbidden, "bad-signature", claimed.Origin, failure.ToString()),
            };
        }

        if (request.OldSize > checkpoint.Size || (request.OldSize == 0 && request.ConsistencyProof.Count > 0))
        {
            return Reject(StatusCodes.Status400BadRequest, "malformed", checkpoint.Origin, "the old size is above the checkpoint's size, or a proof comes with old size 0");
        }

        var submission = new Submission(checkpoint.Origin, checkpoint, request);
        await writer.SubmitAsync(submission, cancellationToken).ConfigureAwait(false);
        var outcome = await submission.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        switch (outcome.Status)
        {
            case SubmissionStatus.Anchored:
            case SubmissionStatus.AlreadyAnchored:
                var receipt = await ReceiptAsync(outcome.LeafIndex, cancellationToken).ConfigureAwait(false);
                return Results.Text(receipt, TextContentType);
            case SubmissionStatus.OldSizeMismatch:
                Reject(StatusCodes.Status409Conflict, "old-size-mismatch", checkpoint.Origin,
                    string.Create(CultureInfo.InvariantCulture, $"old {request.OldSize}, anchored {outcome.AnchoredSize}"));
                return SizeResult(outcome.AnchoredSize);
            default:
                // A fork: counted and logged at Critical by the writer, evidence stored.
                // As the witness does (docs/witness.md): a conflicting root is a 409 with a text/plain explanation, not a
                // size, so a client never mistakes it for "retry from this size"; a failed proof is a 422.
                return outcome.Fork == ForkReason.InconsistentProof
                    ? Results.Text("the consistency proof does not verify; the checkpoint is kept as evidence of a fork\n", TextContentType, statusCode: StatusCodes.Status422UnprocessableEntity)
                    : Results.Text(string.Create(CultureInfo.InvariantCulture,
                        $"fork: a checkpoint of size {checkpoint.Size} with another root hash is anchored; kept as evidence {outcome.EvidenceId}\n"), TextContentType,
                        statusCode: StatusCodes.Status409Conflict);
        }
    }

    // The registered keys of the origin and of the names on the note's signature lines (at most SignedNote.MaxSignatures).
    private List<NoteVerifierKey> RegisteredKeys(string origin, SignedNote note)
    {
        var keys = new List<NoteVerifierKey>();
        foreach (var name in note.Signatures.Select(s => s.Name).Prepend(origin).Distinct(StringComparer.Ordinal))
        {
            if (registry.TryGetKey(name, out var key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    private IResult GetCheckpoint()
    {
        var latest = book.Latest;
        return latest is null ? Results.Text("the ledger is empty\n", TextContentType, statusCode: StatusCodes.Status404NotFound) : Results.Text(latest.Note, TextContentType);
    }

    private async Task<IResult> GetReceiptAsync(HttpContext context)
    {
        var origin = context.Request.Query["origin"].ToString();
        var sizeText = context.Request.Query["size"].ToString();
        if (origin.Length == 0 || !CanonicalDecimal.TryParse(sizeText, out var size))
        {
            return Reject(StatusCodes.Status400BadRequest, "bad-query", origin.Length == 0 ? "-" : origin, "receipt needs origin and a decimal size");
        }

        var anchor = await store.FindAnchorAsync(origin, size, context.RequestAborted).ConfigureAwait(false);
        if (anchor is null)
        {
            return Results.Text("not anchored\n", TextContentType, statusCode: StatusCodes.Status404NotFound);
        }

        var best = book.BestCovering(anchor.LeafIndex)?.Record ?? book.Latest!;
        return Results.Text(Receipt(anchor.LeafIndex, best), TextContentType);
    }

    private IResult GetAnchored(HttpContext context)
    {
        var origin = context.Request.Query["origin"].ToString();
        if (!registry.TryGetKey(origin, out _))
        {
            return Reject(StatusCodes.Status404NotFound, "unknown-origin", origin.Length == 0 ? "-" : origin, "the origin is not in the gateway registry");
        }

        return SizeResult(writer.LatestAnchor(origin)?.Size ?? 0, StatusCodes.Status200OK);
    }

    private async Task<IResult> GetEvidenceAsync(HttpContext context)
    {
        var evidence = await store.ListEvidenceAsync(1000, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(evidence.Select(e => new
        {
            id = e.Id,
            origin = e.Origin,
            reason = e.Reason.ToString(),
            detectedAt = DateTimeOffset.FromUnixTimeMilliseconds(e.DetectedAtUnixMilliseconds),
            refusedRequest = e.RefusedRequest,
            conflictingNote = e.ConflictingNote,
        }), s_json);
    }

    private IResult GetHealth() => Results.Json(new
    {
        status = "ok",
        origin = signer.Origin,
        verifierKey = signer.VerifierKey.ToString(),
        size = book.Latest?.Size ?? 0,
        anchored = statistics.Anchored,
        batches = statistics.Batches,
        forks = statistics.Forks,
        cosignatures = statistics.Cosignatures,
        witnessFailures = statistics.WitnessFailures,
        alarmsPublished = statistics.AlarmsPublished,
        rejections = statistics.Rejections,
    }, s_json);

    private async Task<string> ReceiptAsync(long leafIndex, CancellationToken cancellationToken)
    {
        var checkpoint = witnessCount == 0 ? null
            : await book.WaitForCoveringAsync(leafIndex, witnessCount, requiredCosignatures, receiptCosignatureWait, timeProvider, cancellationToken).ConfigureAwait(false);
        checkpoint ??= book.BestCovering(leafIndex)?.Record ?? book.Latest!;
        return Receipt(leafIndex, checkpoint);
    }

    private string Receipt(long leafIndex, LedgerCheckpointRecord checkpoint) =>
        new LedgerReceipt(leafIndex, tree.InclusionProof(leafIndex, checkpoint.Size), checkpoint.Note).Format();

    private static IResult SizeResult(long size, int status = StatusCodes.Status409Conflict) =>
        Results.Text(string.Create(CultureInfo.InvariantCulture, $"{size}\n"), SizeContentType, statusCode: status);

    private IResult Reject(int status, string reason, string origin, string detail)
    {
        if (statistics.RecordRejection(reason))
        {
            Log.SubmissionRejected(logger, reason, origin, detail);
        }

        return Results.Text(detail + "\n", TextContentType, statusCode: status);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Kestrel enforces Ledger:MaximumRequestBodyBytes (413); the parser enforces the protocol's own limit.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false };
}
