using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Anchoring;

/// <summary>
/// The ledger service's gateway-facing HTTP API (docs/ledger-service.md): <c>POST /add-checkpoint</c> with an
/// <see cref="AddCheckpointRequest"/> body (C2SP tlog-witness style; a 409 <c>text/x.tlog.size</c> carries the ledger's
/// anchored size, any other 409 — <c>text/plain</c> "fork: ..." — and a 422 are fork refusals, never sizes) and
/// <c>GET /receipt?origin=&amp;size=</c>. Each request has its own timeout; nothing here throws for what the network or
/// the ledger does.
/// </summary>
internal sealed class LedgerClient(IHttpClientFactory httpClientFactory, IOptions<AnchoringOptions> options, TimeProvider timeProvider)
{
    /// <summary>The named HttpClient.</summary>
    public const string HttpClientName = "MedIoT.Anchoring";

    private const int MaxBodyBytes = LedgerReceipt.MaxReceiptBytes;
    private readonly AnchoringOptions _options = options.Value;

    /// <summary>Submits a checkpoint with its consistency proof.</summary>
    public Task<LedgerAnswer> SubmitAsync(AddCheckpointRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "add-checkpoint")
        {
            Content = new StringContent(request.Format(), Encoding.UTF8, "text/plain"),
        }, cancellationToken);
    }

    /// <summary>Asks for a fresh receipt of the anchored checkpoint (<paramref name="origin"/>, <paramref name="size"/>).</summary>
    public Task<LedgerAnswer> GetReceiptAsync(string origin, long size, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get,
            string.Create(CultureInfo.InvariantCulture, $"receipt?origin={Uri.EscapeDataString(origin)}&size={size}")), cancellationToken);

    private async Task<LedgerAnswer> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.RequestTimeoutSeconds), timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            var http = httpClientFactory.CreateClient(HttpClientName);
            using var request = create();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var body = await ReadBodyAsync(response.Content, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var detail = string.Create(CultureInfo.InvariantCulture, $"HTTP {status}: {Excerpt(body)}");
            return response.StatusCode switch
            {
                HttpStatusCode.OK when body is not null => new LedgerAnswer(LedgerAnswerKind.Ok, body, 0, detail),
                HttpStatusCode.Conflict when IsSize(response.Content.Headers.ContentType) && TryParseSize(body, out var size) =>
                    new LedgerAnswer(LedgerAnswerKind.Conflict, null, size, detail),
                HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity when !IsSize(response.Content.Headers.ContentType) =>
                    new LedgerAnswer(LedgerAnswerKind.Fork, null, 0, detail),
                HttpStatusCode.NotFound => new LedgerAnswer(LedgerAnswerKind.NotFound, null, 0, detail),
                _ when status >= 500 || status == 429 => new LedgerAnswer(LedgerAnswerKind.Unavailable, null, 0, detail),
                _ => new LedgerAnswer(LedgerAnswerKind.Refused, null, 0, detail),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new LedgerAnswer(LedgerAnswerKind.Unavailable, null, 0,
                string.Create(CultureInfo.InvariantCulture, $"no answer within {_options.RequestTimeoutSeconds} s"));
        }
        catch (HttpRequestException exception)
        {
            return new LedgerAnswer(LedgerAnswerKind.Unavailable, null, 0, exception.HttpRequestError + ": " + exception.Message);
        }
    }

    private static bool IsSize(MediaTypeHeaderValue? type) => string.Equals(type?.MediaType, "text/x.tlog.size", StringComparison.OrdinalIgnoreCase);

    private static bool TryParseSize(string? body, out long size) => CanonicalDecimal.TryParse((body ?? "").AsSpan().TrimEnd('\n'), out size);

    // At most MaxBodyBytes of UTF-8; anything longer or not UTF-8 is no body (a receipt is never that large).
    private static async Task<string?> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxBodyBytes + 1];
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return length > MaxBodyBytes || !System.Text.Unicode.Utf8.IsValid(buffer.AsSpan(0, length)) ? null : Encoding.UTF8.GetString(buffer, 0, length);
        }
    }

    private static string Excerpt(string? body)
    {
        if (body is null)
        {
            return "(no readable body)";
        }

        var line = body.Split('\n', 2)[0];
        return line.Length > 120 ? line[..120] + "…" : line;
    }
}
