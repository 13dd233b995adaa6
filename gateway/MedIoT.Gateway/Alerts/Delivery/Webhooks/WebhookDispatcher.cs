using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using MedIoT.Alerts;
using MedIoT.Hosting;

namespace MedIoT.Gateway.Alerts.Delivery.Webhooks;

/// <summary>
/// Delivers alarm events to webhooks: each event is written to the persistent outbox of every webhook that receives it
/// (its channel, and for an escalation recipient its escalation level and ward), and one
/// loop per webhook POSTs its outbox oldest first, signed (<see cref="WebhookSignature"/>), retrying with the gateway's
/// backoff (MedIoT.Hosting). A 4xx other than 408 and 429 is a permanent failure: counted, logged and the entry deleted.
/// </summary>
internal sealed class WebhookDispatcher : BackgroundService
{
    /// <summary>The named HttpClient (no redirects followed, no client-wide timeout).</summary>
    public const string HttpClientName = "MedIoT.Gateway.Alerts.Webhooks";

    private const int IntakeCapacity = 10_000;
    private readonly IReadOnlyList<WebhookTarget> _targets;
    private readonly AlertOptions _options;
    private readonly string _gatewayId;
    private readonly HttpClient _http;
    private readonly AlarmStatistics _statistics;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<AlarmEvent> _intake;
    // One signal per webhook: a channel of capacity 1 that drops further writes, so appends never pile up a count.
    private readonly Dictionary<WebhookTarget, Channel<bool>> _appended = [];

    public WebhookDispatcher(
        IReadOnlyList<WebhookTarget> targets, AlertOptions options, string gatewayId, HttpClient http,
        AlarmStatistics statistics, TimeProvider timeProvider, ILogger logger)
    {
        _targets = targets;
        _options = options;
        _gatewayId = gatewayId;
        _http = http;
        _statistics = statistics;
        _timeProvider = timeProvider;
        _logger = logger;
        foreach (var target in targets)
        {
            _appended[target] = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        }

        // Bounded: writing to the outbox is quick, so this only fills if the disk stalls; then the oldest is dropped and counted.
        _intake = Channel.CreateBounded<AlarmEvent>(
            new BoundedChannelOptions(IntakeCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => Dropped("webhook intake", IntakeCapacity));
    }

    /// <summary>The webhooks.</summary>
    public IReadOnlyList<WebhookTarget> Targets => _targets;

    /// <summary>Takes an event for the webhooks whose channel it belongs to; never waits.</summary>
    public void Accept(AlarmEvent alarmEvent)
    {
        if (_targets.Count > 0)
        {
            _intake.Writer.TryWrite(alarmEvent);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_targets.Count == 0)
        {
            return Task.CompletedTask;
        }

        var loops = _targets.Select(target => Task.Run(() => DeliverAsync(target, stoppingToken), CancellationToken.None)).ToList();
        loops.Add(Task.Run(() => IntakeAsync(stoppingToken), CancellationToken.None));
        return Task.WhenAll(loops);
    }

    private async Task IntakeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alarmEvent in _intake.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var target in _targets.Where(target => target.Receives(alarmEvent.Alarm)))
                {
                    var body = AlarmJson.Event(alarmEvent, _gatewayId, _options, deliveryId: Guid.NewGuid().ToString("N"));
                    int dropped;
                    try
                    {
                        dropped = target.Outbox.Append(body);
                    }
                    catch (IOException)
                    {
                        // The disk refused (full, read-only): this event is lost for this webhook, counted and logged;
                        // MQTT delivery carries on.
                        dropped = 1;
                    }

                    for (; dropped > 0; dropped--)
                    {
                        Dropped("webhook " + target.Name, _options.OutboxCapacity);
                    }

                    _appended[target].Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(WebhookTarget target, CancellationToken stoppingToken)
    {
        // One run of the backoff pipeline per outbox entry: it ends when the entry is delivered or fails for good, so the
        // backoff starts over with the next entry. Only the first retry of a run is logged; the counter has every attempt.
        var firstRetry = true;
        var retry = Backoff.Create<(WebhookOutcome Outcome, string Reason)>(
            BackoffOptions.FromMilliseconds(_options.RetryInitialDelayMilliseconds, _options.RetryMaximumDelayMilliseconds, useJitter: true),
            _timeProvider,
            attempt => attempt.Exception is null && attempt.Result.Outcome == WebhookOutcome.Retry,
            (attempt, delay) =>
            {
                _statistics.RecordWebhookRetry();
                if (firstRetry)
                {
                    firstRetry = false;
                    Log.WebhookDeliveryRetrying(_logger, target.Name, attempt.Result.Reason, (int)delay.TotalMilliseconds);
                }
            });
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!target.Outbox.TryPeek(out var sequence, out var body))
                {
                    await _appended[target].Reader.ReadAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }

                var (outcome, reason) = await retry.ExecuteAsync(
                    async cancellationToken => await SendAsync(target, body, cancellationToken).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
                firstRetry = true;
                target.Outbox.Remove(sequence);
                if (outcome == WebhookOutcome.Delivered)
                {
                    _statistics.RecordWebhookDelivered();
                }
                else
                {
                    _statistics.RecordWebhookFailed();
                    Log.WebhookDeliveryFailed(_logger, target.Name, reason);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<(WebhookOutcome Outcome, string Reason)> SendAsync(WebhookTarget target, byte[] body, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.WebhookTimeoutSeconds));
        var unixSeconds = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Compute(target.Secret, unixSeconds, body));
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var reason = $"HTTP {status}";
            return status switch
            {
                >= 200 and < 300 => (WebhookOutcome.Delivered, reason),
                (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 => (WebhookOutcome.Retry, reason),
                _ => (WebhookOutcome.PermanentFailure, reason),
            };
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return (WebhookOutcome.Retry, $"no answer within {_options.WebhookTimeoutSeconds} s");
        }
        catch (HttpRequestException exception)
        {
            return (WebhookOutcome.Retry, exception.HttpRequestError.ToString());
        }
    }

    private void Dropped(string queue, int capacity)
    {
        var count = _statistics.RecordWebhookDropped();
        if (count % 1000 == 1)
        {
            Log.AlarmDeliveryDropped(_logger, queue, count, capacity);
        }
    }
}
