using System.Net;
using System.Text;
using MedIoT.Hosting;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Service.Anchoring;
using MedIoT.Ledger.Service.Storage;
using MedIoT.Ledger.Service.Tree;
using Microsoft.Extensions.Hosting;
using Polly;

namespace MedIoT.Ledger.Service.Witnesses;

/// <summary>
/// Asks every configured witness, in parallel and independently, to cosign the ledger's latest checkpoint (C2SP
/// tlog-witness add-checkpoint: <c>old</c> = the size that witness last cosigned, the consistency proof from there, the
/// ledger's signed note). A witness that is behind simply cosigns the newest checkpoint; on 409 the witness's own size
/// (<c>text/x.tlog.size</c>) is taken and the request retried once. Returned lines are verified with the configured key
/// (Cosignatures.TryVerify) before they are stored with the checkpoint. A refusing or unreachable witness is logged and
/// counted and never blocks anchoring: it is asked again at once for a newer ledger checkpoint, or after the
/// <see cref="RetryBackoff"/> while the ledger has none. Owns <c>http</c>.
/// </summary>
internal sealed class WitnessCollector : BackgroundService
{
    /// <summary>1 s after a refused or failed request, doubling to at most 30 s while no newer checkpoint comes.</summary>
    public static readonly BackoffOptions RetryBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), UseJitter: false);

    private readonly IReadOnlyList<WitnessEndpoint> _witnesses;
    private readonly IReadOnlyDictionary<string, long> _initialSizes;
    private readonly CheckpointBook _book;
    private readonly LedgerTree _tree;
    private readonly ILedgerStore _store;
    private readonly HttpClient _http;
    private readonly TimeSpan _requestTimeout;
    private readonly LedgerStatistics _statistics;
    private readonly ILogger<WitnessCollector> _logger;
    private readonly ResiliencePipeline<bool> _retry;

    public WitnessCollector(IReadOnlyList<WitnessEndpoint> witnesses, IReadOnlyDictionary<string, long> initialSizes, CheckpointBook book, LedgerTree tree,
        ILedgerStore store, HttpClient http, TimeSpan requestTimeout, LedgerStatistics statistics, TimeProvider timeProvider, ILogger<WitnessCollector> logger)
    {
        _witnesses = witnesses;
        _initialSizes = initialSizes;
        _book = book;
        _tree = tree;
        _store = store;
        _http = http;
        _requestTimeout = requestTimeout;
        _statistics = statistics;
        _logger = logger;

        // Outcome true: cosigned. A failed request is logged where it fails (105-107); the retry adds no line of its own.
        _retry = Backoff.Create<bool>(RetryBackoff, timeProvider, outcome => outcome is { Exception: null, Result: false });
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_witnesses.Select(w => RunAsync(w, stoppingToken)));

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    private async Task RunAsync(WitnessEndpoint witness, CancellationToken stoppingToken)
    {
        var cosignedSize = _initialSizes.GetValueOrDefault(witness.Name);
        try
        {
            while (true)
            {
                var latest = await NextCheckpointAsync(cosignedSize, stoppingToken).ConfigureAwait(false);
                cosignedSize = await CollectAsync(witness, cosignedSize, latest, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The ledger's latest checkpoint once it is above <paramref name="cosignedSize"/>.</summary>
    private async Task<(long Size, string SignedNote)> NextCheckpointAsync(long cosignedSize, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = _book.Changed;
            if (_book.LatestUncosigned is { } latest && latest.Size > cosignedSize)
            {
                return latest;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Asks <paramref name="witness"/> to cosign <paramref name="latest"/>, again with backoff while it refuses or cannot be
    /// reached, until it cosigns or a newer ledger checkpoint supersedes this one (which cuts the wait short, never a
    /// request). Returns the size the witness is known to have cosigned afterwards.
    /// </summary>
    private async Task<long> CollectAsync(WitnessEndpoint witness, long cosignedSize, (long Size, string SignedNote) latest, CancellationToken stoppingToken)
    {
        using var superseded = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var watch = CancelWhenSupersededAsync(latest.Size, superseded);
        try
        {
            var cosigned = await _retry.ExecuteAsync(async _ =>
            {
                // Requests run with the service's token: a newer checkpoint only shortens the wait between them.
                var result = await RequestAsync(witness, cosignedSize, latest.Size, latest.SignedNote, stoppingToken).ConfigureAwait(false);
                if (result.WitnessSize is { } witnessSize && witnessSize <= latest.Size)
                {
                    // 409: the witness remembers another size for us (its state, or ours, is older); retry once from there.
                    Log.WitnessSizeCorrected(_logger, witness.Name, witnessSize);
                    cosignedSize = witnessSize;
                    result = await RequestAsync(witness, cosignedSize, latest.Size, latest.SignedNote, stoppingToken).ConfigureAwait(false);
                }

                if (!result.Cosigned)
                {
                    _book.AddRefusal(latest.Size, witness.Name);
                }

                return result.Cosigned;
            }, superseded.Token).ConfigureAwait(false);
            return cosigned ? latest.Size : cosignedSize;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // A newer ledger checkpoint came while waiting to retry: the caller asks for it at once.
            return cosignedSize;
        }
        finally
        {
            await superseded.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }
    }

    /// <summary>Cancels <paramref name="superseded"/> once the ledger's latest checkpoint is no longer <paramref name="size"/>.</summary>
    private async Task CancelWhenSupersededAsync(long size, CancellationTokenSource superseded)
    {
        try
        {
            while (true)
            {
                var changed = _book.Changed;
                if (_book.LatestUncosigned?.Size != size)
                {
                    await superseded.CancelAsync().ConfigureAwait(false);
                    return;
                }

                await changed.WaitAsync(superseded.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The collection of this checkpoint ended first.
        }
    }

    private async Task<WitnessResult> RequestAsync(WitnessEndpoint witness, long oldSize, long size, string signedNote, CancellationToken stoppingToken)
    {
        var body = new AddCheckpointRequest(oldSize, _tree.ConsistencyProof(oldSize, size), signedNote).Format();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_requestTimeout);
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "text/plain");
            using var response = await _http.PostAsync(witness.AddCheckpointUrl, content, timeout.Token).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Conflict && string.Equals(response.Content.Headers.ContentType?.MediaType, "text/x.tlog.size", StringComparison.Ordinal)
                && text.EndsWith('\n') && CanonicalDecimal.TryParse(text.AsSpan(0, text.Length - 1), out var witnessSize) && witnessSize != oldSize)
            {
                _statistics.RecordWitnessFailure(witness.Name);
                return new WitnessResult(false, witnessSize);
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                _statistics.RecordWitnessFailure(witness.Name);
                Log.WitnessRefused(_logger, witness.Name, size, (int)response.StatusCode, Truncate(text));
                return new WitnessResult(false, null);
            }

            return await AcceptAsync(witness, size, signedNote, text, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException
            || (exception is OperationCanceledException && !stoppingToken.IsCancellationRequested))
        {
            _statistics.RecordWitnessFailure(witness.Name);
            Log.WitnessUnreachable(_logger, witness.Name, size, exception is OperationCanceledException ? "timed out" : exception.Message);
            return new WitnessResult(false, null);
        }
    }

    private async Task<WitnessResult> AcceptAsync(WitnessEndpoint witness, long size, string signedNote, string responseBody, CancellationToken cancellationToken)
    {
        // tlog-witness: the body is one or more cosignature lines; keep the one that verifies with the configured key.
        foreach (var line in responseBody.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = signedNote + line + "\n";
            if (SignedNote.TryParse(candidate, out var note) && Cosignatures.TryVerify(note, [witness.Key], out var cosignedBy) && cosignedBy.Count == 1)
            {
                var updated = _book.AddCosignature(size, witness.Name, line + "\n");
                if (updated is not null)
                {
                    await _store.RecordCosignatureAsync(updated, witness.Name, cancellationToken).ConfigureAwait(false);
                }

                _statistics.RecordCosignature(witness.Name);
                Log.WitnessCosigned(_logger, witness.Name, size);
                return new WitnessResult(true, null);
            }
        }

        _statistics.RecordWitnessFailure(witness.Name);
        Log.WitnessBadCosignature(_logger, witness.Name, size);
        return new WitnessResult(false, null);
    }

    private static string Truncate(string text) => text.Length <= 200 ? text.Trim() : text[..200].Trim() + "...";

    private readonly record struct WitnessResult(bool Cosigned, long? WitnessSize);
}
