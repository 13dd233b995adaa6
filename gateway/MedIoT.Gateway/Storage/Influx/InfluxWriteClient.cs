using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// The InfluxDB HTTP write APIs: 1.x (<c>POST /write?db=..&amp;precision=ns</c>, also served by the compatibility API
/// of InfluxDB 2.x and 3.x) and 2.x (<c>POST /api/v2/write?org=..&amp;bucket=..&amp;precision=ns</c>). Bodies are sent
/// gzip-compressed (<c>Content-Encoding: gzip</c>, accepted by both). A narrow seam: a client library could replace it.
/// </summary>
internal sealed partial class InfluxWriteClient
{
    /// <summary>The named HttpClient registered for InfluxDB.</summary>
    public const string HttpClientName = "influxdb";

    private readonly HttpClient _http;
    private readonly InfluxOptions _options;
    private readonly ILogger<InfluxWriteClient> _logger;
    private readonly Uri _writeUri;
    private readonly AuthenticationHeaderValue? _authorization;

    public InfluxWriteClient(IHttpClientFactory httpClientFactory, IOptions<InfluxOptions> options, ILogger<InfluxWriteClient> logger)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        _http = httpClientFactory.CreateClient(HttpClientName);
        _options = options.Value;
        _logger = logger;
        if (_options.ApiVersion == InfluxApiVersion.V2)
        {
            _writeUri = new Uri(_options.Url, "api/v2/write?precision=ns&org=" + Uri.EscapeDataString(_options.Organization) +
                "&bucket=" + Uri.EscapeDataString(_options.Bucket));
            if (!string.IsNullOrEmpty(_options.Token))
            {
                _authorization = new AuthenticationHeaderValue("Token", _options.Token);
            }

            return;
        }

        var query = new StringBuilder("write?precision=ns&db=").Append(Uri.EscapeDataString(_options.Database));
        if (!string.IsNullOrEmpty(_options.RetentionPolicy))
        {
            query.Append("&rp=").Append(Uri.EscapeDataString(_options.RetentionPolicy));
        }

        _writeUri = new Uri(_options.Url, query.ToString());
        if (!string.IsNullOrEmpty(_options.Username))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.Username}:{_options.Password}"));
            _authorization = new AuthenticationHeaderValue("Basic", credentials);
        }
    }

    /// <summary>Creates the database if it is missing (InfluxQL <c>CREATE DATABASE</c> is idempotent).</summary>
    public async Task<InfluxWriteResult> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.Url, "query"))
        {
            Content = new FormUrlEncodedContent([new("q", $"CREATE DATABASE \"{_options.Database}\"")]),
        };
        return (await SendAsync(request, "CREATE DATABASE", cancellationToken).ConfigureAwait(false)).Result;
    }

    /// <summary>
    /// Compresses a body of line protocol for <see cref="WriteAsync"/> (once per batch, not per attempt) into
    /// <paramref name="destination"/>, which is emptied first; the result is valid until <paramref name="destination"/> is
    /// used again. The writer passes the same stream for every batch, so a body (hundreds of KB at full load) does not
    /// allocate new large arrays each time.
    /// </summary>
    public static ReadOnlyMemory<byte> Compress(ReadOnlySpan<byte> lineProtocol, MemoryStream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.SetLength(0);
        using (var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(lineProtocol);
        }

        return destination.GetBuffer().AsMemory(0, (int)destination.Length);
    }

    /// <summary>Writes a gzip-compressed body of line protocol (<see cref="Compress"/>).</summary>
    public async Task<(InfluxWriteResult Result, string ErrorKind)> WriteAsync(ReadOnlyMemory<byte> gzipLineProtocol, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _writeUri)
        {
            Content = new ReadOnlyMemoryContent(gzipLineProtocol),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        request.Content.Headers.ContentEncoding.Add("gzip");
        return await SendAsync(request, "write", cancellationToken).ConfigureAwait(false);
    }

    private async Task<(InfluxWriteResult Result, string ErrorKind)> SendAsync(HttpRequestMessage request, string operation, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = _authorization;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.RequestTimeoutSeconds));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return (InfluxWriteResult.Written, string.Empty);
            }

            var status = (int)response.StatusCode;
            var body = await ReadErrorAsync(response, timeout.Token).ConfigureAwait(false);
            if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests || response.StatusCode == HttpStatusCode.RequestTimeout)
            {
                Log.InfluxUnavailable(_logger, operation, status.ToString(CultureInfo.InvariantCulture));
                return (InfluxWriteResult.Retry, body);
            }

            if (operation == "write" && (response.StatusCode == HttpStatusCode.UnprocessableEntity || s_pointErrors.Any(e => body.Contains(e, StringComparison.Ordinal))))
            {
                // Point-level refusals: the caller logs and counts them (InfluxDB kept the rest of the body).
                return (InfluxWriteResult.PointsRefused, body);
            }

            Log.InfluxRefused(_logger, operation, status, body);
            return (InfluxWriteResult.Refused, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.InfluxUnavailable(_logger, operation, "timeout");
            return (InfluxWriteResult.Retry, "timeout");
        }
        catch (HttpRequestException exception)
        {
            Log.InfluxUnavailable(_logger, operation, exception.HttpRequestError.ToString());
            return (InfluxWriteResult.Retry, exception.HttpRequestError.ToString());
        }
    }

    private static readonly string[] s_pointErrors = ["partial write", "unable to parse", "field type conflict", "points beyond retention policy"];

    private static readonly string[] s_knownErrors =
        ["database not found", "field type conflict", "unable to parse", "partial write", "authorization failed", "retention policy not found", "points beyond retention policy"];

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // InfluxDB's error text can quote the offending line, and a line holds a patient's value:
        // only the kind of error is logged, never the text itself.
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var known = s_knownErrors.Where(e => body.Contains(e, StringComparison.OrdinalIgnoreCase)).ToList();
        // A 1.x partial write ends with "dropped=N": a count, safe to keep.
        if (DroppedPattern().Match(body) is { Success: true } dropped)
        {
            known.Add(dropped.Value);
        }

        return known.Count == 0 ? "unrecognised error" : string.Join("; ", known);
    }

    /// <summary>The number of points a partial write dropped (<c>dropped=N</c> in the error kind), or -1 when unknown.</summary>
    public static long DroppedPoints(string errorKind)
    {
        var match = DroppedPattern().Match(errorKind);
        return match.Success && long.TryParse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture, out var count) ? count : -1;
    }

    [GeneratedRegex("dropped=([0-9]{1,18})")]
    private static partial Regex DroppedPattern();
}
