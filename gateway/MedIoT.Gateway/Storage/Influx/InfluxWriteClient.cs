using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MedIoT.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// The InfluxDB 1.x HTTP write API (<c>POST /write?db=..&amp;precision=ns</c>, also served by the
/// compatibility API of InfluxDB 2.x and 3.x). A narrow seam: an InfluxDB client library could replace it.
/// </summary>
internal sealed class InfluxWriteClient
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
        return await SendAsync(request, "CREATE DATABASE", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a body of line protocol.</summary>
    public async Task<InfluxWriteResult> WriteAsync(ReadOnlyMemory<byte> lineProtocol, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _writeUri)
        {
            Content = new ReadOnlyMemoryContent(lineProtocol),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        return await SendAsync(request, "write", cancellationToken).ConfigureAwait(false);
    }

    private async Task<InfluxWriteResult> SendAsync(HttpRequestMessage request, string operation, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = _authorization;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.RequestTimeoutSeconds));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return InfluxWriteResult.Written;
            }

            var status = (int)response.StatusCode;
            var body = await ReadErrorAsync(response, timeout.Token).ConfigureAwait(false);
            if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests || response.StatusCode == HttpStatusCode.RequestTimeout)
            {
                Log.InfluxUnavailable(_logger, operation, status.ToString(CultureInfo.InvariantCulture));
                return InfluxWriteResult.Retry;
            }

            Log.InfluxRefused(_logger, operation, status, body);
            return InfluxWriteResult.Refused;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.InfluxUnavailable(_logger, operation, "timeout");
            return InfluxWriteResult.Retry;
        }
        catch (HttpRequestException exception)
        {
            Log.InfluxUnavailable(_logger, operation, exception.HttpRequestError.ToString());
            return InfluxWriteResult.Retry;
        }
    }

    private static readonly string[] s_knownErrors =
        ["database not found", "field type conflict", "unable to parse", "partial write", "authorization failed", "retention policy not found", "points beyond retention policy"];

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // InfluxDB's error text can quote the offending line, and a line holds a patient's value:
        // only the kind of error is logged, never the text itself.
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var known = s_knownErrors.Where(e => body.Contains(e, StringComparison.OrdinalIgnoreCase)).ToArray();
        return known.Length == 0 ? "unrecognised error" : string.Join("; ", known);
    }
}
