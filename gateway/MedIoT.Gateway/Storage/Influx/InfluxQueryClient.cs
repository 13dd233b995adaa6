using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// Reads with InfluxQL: <c>GET /query?db=..&amp;epoch=ns&amp;q=..</c> of InfluxDB 1.x, also served by the v1
/// compatibility API of InfluxDB 2.x/3.x (there with <c>Authorization: Token</c> and the bucket as <c>db</c>). Statements
/// are built by the caller from validated values quoted with <see cref="InfluxQl"/>. Never throws for what InfluxDB does:
/// down, slow, write-only (no <c>/query</c>), or an error answer each come back as an <see cref="InfluxQueryOutcome"/>.
/// </summary>
internal sealed class InfluxQueryClient
{
    /// <summary>How long one query may take before it counts as unreachable: a page waits for it.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly HttpClient _http;
    private readonly InfluxOptions _options;
    private readonly string _database;
    private readonly AuthenticationHeaderValue? _authorization;

    public InfluxQueryClient(IHttpClientFactory httpClientFactory, IOptions<InfluxOptions> options)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(options);
        _http = httpClientFactory.CreateClient(InfluxWriteClient.HttpClientName);
        _options = options.Value;
        if (_options.ApiVersion == InfluxApiVersion.V2)
        {
            // The v1 compatibility API maps a database name to a bucket (InfluxDB 2.x "DBRP mapping").
            _database = _options.Bucket;
            _authorization = string.IsNullOrEmpty(_options.Token) ? null : new AuthenticationHeaderValue("Token", _options.Token);
        }
        else
        {
            _database = _options.Database;
            _authorization = string.IsNullOrEmpty(_options.Username) ? null
                : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.Username}:{_options.Password}")));
        }
    }

    /// <summary>Runs one InfluxQL statement and returns its series, or why there are none.</summary>
    public async Task<InfluxQueryResult> QueryAsync(string statement, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(statement);
        var query = new StringBuilder("query?epoch=ns&db=").Append(Uri.EscapeDataString(_database));
        if (_options.ApiVersion == InfluxApiVersion.V1 && !string.IsNullOrEmpty(_options.RetentionPolicy))
        {
            query.Append("&rp=").Append(Uri.EscapeDataString(_options.RetentionPolicy));
        }

        query.Append("&q=").Append(Uri.EscapeDataString(statement));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.Url, query.ToString()));
        request.Headers.Authorization = _authorization;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        byte[] body;
        HttpStatusCode status;
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            status = response.StatusCode;
            body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return InfluxQueryResult.Failure(InfluxQueryOutcome.Unreachable, $"InfluxDB at {_options.Url} did not answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException exception) when (exception.InnerException is SocketException or IOException or null)
        {
            return InfluxQueryResult.Failure(InfluxQueryOutcome.Unreachable, $"InfluxDB at {_options.Url} cannot be reached ({exception.HttpRequestError}).");
        }

        return status switch
        {
            HttpStatusCode.OK => Parse(body),
            HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                InfluxQueryResult.Failure(InfluxQueryOutcome.NoQueryApi, $"InfluxDB at {_options.Url} serves no InfluxQL query API for us (HTTP {(int)status})."),
            _ => InfluxQueryResult.Failure(InfluxQueryOutcome.Failed, $"InfluxDB at {_options.Url} answered the query with HTTP {(int)status}."),
        };
    }

    /// <summary>Reads an InfluxQL answer (<c>{"results":[{"series":[{"name","tags","columns","values"}]}]}</c>) of one statement.</summary>
    internal static InfluxQueryResult Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (!document.RootElement.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
            {
                return InfluxQueryResult.Failure(InfluxQueryOutcome.Failed, "The answer has no results.");
            }

            var series = new List<InfluxSeries>();
            foreach (var result in results.EnumerateArray())
            {
                if (result.TryGetProperty("error", out var error))
                {
                    // InfluxDB's own message names the statement's problem; it carries no stored value.
                    return InfluxQueryResult.Failure(InfluxQueryOutcome.Failed, "InfluxDB refused the query: " + error.GetString());
                }

                if (!result.TryGetProperty("series", out var sets))
                {
                    continue;
                }

                foreach (var set in sets.EnumerateArray())
                {
                    var tags = set.TryGetProperty("tags", out var tagObject)
                        ? tagObject.EnumerateObject().ToDictionary(tag => tag.Name, tag => tag.Value.ValueKind == JsonValueKind.String ? tag.Value.GetString() : null, StringComparer.Ordinal)
                        : new Dictionary<string, string?>(StringComparer.Ordinal);
                    var columns = set.GetProperty("columns").EnumerateArray().Select(column => column.GetString() ?? string.Empty).ToList();
                    if (columns.Count == 0 || columns[0] != "time")
                    {
                        // Every series of a SELECT starts with time. VictoriaMetrics, which takes line protocol but no InfluxQL,
                        // answers every /query with a list of databases instead.
                        return InfluxQueryResult.Failure(InfluxQueryOutcome.NoQueryApi, "The endpoint answers InfluxQL with something else: it takes writes only.");
                    }

                    var rows = set.TryGetProperty("values", out var values)
                        ? values.EnumerateArray().Select(row => row.EnumerateArray().Select(cell => cell.Clone()).ToArray()).ToList()
                        : [];
                    series.Add(new InfluxSeries(tags, columns, rows));
                }
            }

            return InfluxQueryResult.Answer(series);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return InfluxQueryResult.Failure(InfluxQueryOutcome.Failed, "The answer is not an InfluxQL result.");
        }
    }
}
