using System.Globalization;
using System.Text;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Proofs;
using MedIoT.Ledger.Storage;
using MedIoT.Protocol.Cryptography;
using MedIoT.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MedIoT.Gateway.Tests.Anchoring;

/// <summary>
/// A reference implementation of the ledger service's gateway-facing contract (docs/ledger-service.md, issue 8), small
/// and in-process, for the gateway's anchoring tests until the real service is merged: Kestrel on a fixed loopback
/// port (stop it to take the ledger down, start it again on the same port), a real <see cref="MerkleLog"/> whose
/// leaves are the gateways' signed notes verbatim, real signed ledger checkpoints and real receipts. It verifies
/// signatures against its registry and consistency proofs against what each gateway anchored, answers 404, 403, 400,
/// 409 (<c>text/x.tlog.size</c>), 422 and 200 as the contract says (and 503 while told it is overloaded), and records
/// every submission it received. No witnesses: its checkpoints carry no cosignatures.
/// </summary>
internal sealed class ReferenceLedger : IAsyncDisposable
{
    public const string Origin = "mediot.example/ledger";

    private readonly Lock _lock = new();
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("reference-ledger");
    private readonly MerkleLog _log;
    private readonly Ed25519PrivateKey _key = Ed25519PrivateKey.Generate();
    private readonly Dictionary<string, NoteVerifierKey> _registry = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(long Size, string Note, long Leaf)>> _anchored = new(StringComparer.Ordinal);
    private readonly List<Submission> _submissions = [];
    private WebApplication? _app;
    private int _overloadedFor;

    public ReferenceLedger()
    {
        _log = MerkleLog.Open(_folder.Combine("log"));
        Url = new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}/");
        VerifierKey = NoteVerifierKey.Create(Origin, _key.PublicKey);
    }

    public Uri Url { get; }

    public NoteVerifierKey VerifierKey { get; }

    /// <summary>Every submission received, in order, with the status answered.</summary>
    public IReadOnlyList<Submission> Submissions
    {
        get
        {
            lock (_lock)
            {
                return [.. _submissions];
            }
        }
    }

    /// <summary>The sizes anchored for <paramref name="origin"/>, in order.</summary>
    public IReadOnlyList<long> AnchoredSizes(string origin)
    {
        lock (_lock)
        {
            return _anchored.TryGetValue(origin, out var list) ? [.. list.Select(a => a.Size)] : [];
        }
    }

    /// <summary>Answers the next <paramref name="submissions"/> submissions with 503 (an overloaded ledger), recording them.</summary>
    public void Overload(int submissions)
    {
        lock (_lock)
        {
            _overloadedFor = submissions;
        }
    }

    /// <summary>Registers a gateway (origin -> its checkpoint key).</summary>
    public void Register(NoteVerifierKey gatewayKey)
    {
        lock (_lock)
        {
            _registry[gatewayKey.Name] = gatewayKey;
        }
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Limits.MaxRequestBodySize = AddCheckpointRequest.MaxBodyBytes);
        builder.WebHost.UseUrls(Url.GetLeftPart(UriPartial.Authority));
        var app = builder.Build();
        app.UseRouting();
        app.MapPost("/add-checkpoint", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            return Add(body.ToArray());
        });
        app.MapGet("/receipt", (string origin, long size) => Receipt(origin, size));
        app.MapGet("/anchored", (string origin) => Anchored(origin));
        app.MapGet("/checkpoint", () => Results.Text(SignLatest(), "text/plain; charset=utf-8"));
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Takes the ledger down (connections are refused until <see cref="StartAsync"/>).</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    private IResult Add(byte[] body)
    {
        lock (_lock)
        {
            IResult result;
            AddCheckpointRequest? request = null;
            if (_overloadedFor > 0)
            {
                _overloadedFor--;
                AddCheckpointRequest.TryParse(body, out request, out _);
                result = Results.Text("overloaded", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            else
            {
                result = Decide(body, out request);
            }

            _submissions.Add(new Submission(request?.OldSize ?? -1, SizeOf(request), Status(result)));
            return result;
        }
    }

    private IResult Decide(byte[] body, out AddCheckpointRequest? request)
    {
        if (!AddCheckpointRequest.TryParse(body, out request, out var error))
        {
            return Results.Text(error, statusCode: StatusCodes.Status400BadRequest);
        }

        SignedNote.TryParse(request.SignedCheckpoint, out var note);
        if (!Checkpoint.TryParseBody(note!.Text, out var checkpoint))
        {
            return Results.Text("not a checkpoint", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!_registry.TryGetValue(checkpoint.Origin, out var key))
        {
            return Results.Text("unknown origin", statusCode: StatusCodes.Status404NotFound);
        }

        if (!Checkpoint.TryOpen(request.SignedCheckpoint, [key], key.Name, out _, out _))
        {
            return Results.Text("no valid signature by the registered key", statusCode: StatusCodes.Status403Forbidden);
        }

        if (request.OldSize > checkpoint.Size)
        {
            return Results.Text("old size above the checkpoint's size", statusCode: StatusCodes.Status400BadRequest);
        }

        var anchored = _anchored.TryGetValue(checkpoint.Origin, out var list) ? list : _anchored[checkpoint.Origin] = [];
        var latest = anchored.Count == 0 ? null : anchored[^1].Note;
        var latestSize = anchored.Count == 0 ? 0 : anchored[^1].Size;
        if (latest == request.SignedCheckpoint)
        {
            return ReceiptFor(anchored[^1].Leaf); // an idempotent retry of the latest
        }

        if (request.OldSize != latestSize || checkpoint.Size == latestSize)
        {
            return Results.Text(string.Create(CultureInfo.InvariantCulture, $"{latestSize}\n"), "text/x.tlog.size", Encoding.UTF8, StatusCodes.Status409Conflict);
        }

        if (latest is not null)
        {
            Checkpoint.TryParseBody(SignedNoteText(latest), out var previous);
            if (!MerkleProofVerifier.TryVerifyConsistency(previous!.Size, checkpoint.Size, previous.RootHash, checkpoint.RootHash, request.ConsistencyProof, out _))
            {
                return Results.Text("the consistency proof does not verify", statusCode: StatusCodes.Status422UnprocessableEntity);
            }
        }
        else if (request.ConsistencyProof.Count != 0)
        {
            return Results.Text("a first checkpoint has no consistency proof", statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        var leaf = _log.AppendBatch([LedgerReceipt.LeafFor(request.SignedCheckpoint)]);
        anchored.Add((checkpoint.Size, request.SignedCheckpoint, leaf));
        return ReceiptFor(leaf);
    }

    private IResult Receipt(string origin, long size)
    {
        lock (_lock)
        {
            var match = _anchored.TryGetValue(origin, out var list) ? list.Where(a => a.Size == size).ToArray() : [];
            return match.Length == 0 ? Results.NotFound() : ReceiptFor(match[0].Leaf);
        }
    }

    private IResult Anchored(string origin)
    {
        lock (_lock)
        {
            return !_registry.ContainsKey(origin)
                ? Results.NotFound()
                : Results.Text(string.Create(CultureInfo.InvariantCulture, $"{AnchoredSizes(origin).LastOrDefault()}\n"), "text/x.tlog.size");
        }
    }

    private IResult ReceiptFor(long leaf) =>
        Results.Text(new LedgerReceipt(leaf, _log.GetInclusionProof(leaf, _log.Size), SignLatest()).Format(), "text/plain; charset=utf-8");

    private string SignLatest()
    {
        lock (_lock)
        {
            return SignedNote.Sign(new Checkpoint(Origin, _log.Size, _log.GetRootHash(_log.Size)).FormatBody(), Origin, _key);
        }
    }

    private static string SignedNoteText(string note) => SignedNote.TryParse(note, out var parsed) ? parsed.Text : "";

    private static long SizeOf(AddCheckpointRequest? request) =>
        request is not null && SignedNote.TryParse(request.SignedCheckpoint, out var note) && Checkpoint.TryParseBody(note.Text, out var checkpoint) ? checkpoint.Size : -1;

    private static int Status(IResult result) => result is IStatusCodeHttpResult { StatusCode: { } code } ? code : 200;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _log.Dispose();
        _key.Dispose();
        _folder.Dispose();
    }

    /// <summary>One submission: the old size, the checkpoint's size and the status answered.</summary>
    internal sealed record Submission(long OldSize, long Size, int Status);
}
