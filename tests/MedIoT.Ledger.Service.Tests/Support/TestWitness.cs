using System.Globalization;
using System.Net;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Proofs;
using MedIoT.Protocol.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MedIoT.Ledger.Service.Tests.Support;

/// <summary>
/// A small C2SP tlog-witness peer over real HTTP for the collector's tests, until the project's witness (mediot-witness)
/// is merged: it checks the ledger's signature, its own last size (409 text/x.tlog.size) and the consistency proof
/// (422), and cosigns with <see cref="Cosigner"/>. <see cref="Refuse"/> makes it answer 403 to everything.
/// </summary>
internal sealed class TestWitness : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Cosigner _cosigner;
    private readonly Ed25519PrivateKey _key;
    private readonly NoteVerifierKey _ledgerKey;
    private readonly Lock _lock = new();
    private Checkpoint? _last;

    private TestWitness(string name, NoteVerifierKey ledgerKey)
    {
        _key = Ed25519PrivateKey.Generate();
        _cosigner = new Cosigner(name, _key);
        _ledgerKey = ledgerKey;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging();
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.UseRouting();
        _app.MapPost("/add-checkpoint", (Delegate)AddCheckpointAsync);
    }

    public WitnessKey Key => _cosigner.VerifierKey;

    public Uri Url => new(_app.Urls.First() + "/");

    public bool Refuse { get; set; }

    public int Requests;

    public static async Task<TestWitness> StartAsync(string name, NoteVerifierKey ledgerKey)
    {
        var witness = new TestWitness(name, ledgerKey);
        await witness._app.StartAsync();
        return witness;
    }

    private async Task<IResult> AddCheckpointAsync(HttpContext context)
    {
        Interlocked.Increment(ref Requests);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        if (Refuse)
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!AddCheckpointRequest.TryParse(buffer.ToArray(), out var request, out _))
        {
            return Results.StatusCode(StatusCodes.Status400BadRequest);
        }

        if (!Checkpoint.TryOpen(request.SignedCheckpoint, [_ledgerKey], _ledgerKey.Name, out var checkpoint, out _))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        lock (_lock)
        {
            var size = _last?.Size ?? 0;
            if (request.OldSize != size)
            {
                return Results.Text(size.ToString(CultureInfo.InvariantCulture) + "\n", "text/x.tlog.size", statusCode: (int)HttpStatusCode.Conflict);
            }

            if (_last is not null && !MerkleProofVerifier.TryVerifyConsistency(_last.Size, checkpoint.Size, _last.RootHash, checkpoint.RootHash, request.ConsistencyProof, out _))
            {
                return Results.StatusCode(StatusCodes.Status422UnprocessableEntity);
            }

            _last = checkpoint;
        }

        SignedNote.TryParse(request.SignedCheckpoint, out var note);
        return Results.Text(_cosigner.Cosign(note!.Text, 1_700_000_000), "text/plain");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
