using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using MedIoT.Gateway.Alerts.Delivery.Webhooks;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Alerts.Delivery;

/// <summary>
/// A webhook receiver on loopback (HttpListener): verifies every request's signature with the shared secret the way a
/// receiving system should, records it, and answers with the next status of a script (200 once the script is used up).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _secret;
    private readonly ConcurrentQueue<int> _statuses;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly Task _loop;

    public WebhookReceiver(byte[] secret, params int[] statuses)
    {
        _secret = secret;
        _statuses = new ConcurrentQueue<int>(statuses);
        var port = FreeTcpPort.Next();
        Url = new Uri($"http://127.0.0.1:{port}/hooks/alarms/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    private async Task LoopAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var bytes = body.ToArray();
            var timestampHeader = context.Request.Headers[WebhookSignature.TimestampHeader];
            var valid = long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp) &&
                WebhookSignature.Verify(_secret, timestamp, bytes, context.Request.Headers[WebhookSignature.SignatureHeader]);
            var status = _statuses.TryDequeue(out var scripted) ? scripted : 200;
            _received.Enqueue(new ReceivedWebhook(JsonDocument.Parse(bytes).RootElement.Clone(), valid, timestamp, context.Request.ContentType, status));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }
}

/// <summary>One request the receiver got.</summary>
internal sealed record ReceivedWebhook(JsonElement Json, bool SignatureValid, long Timestamp, string? ContentType, int AnsweredStatus)
{
    public string DeliveryId => Json.GetProperty("deliveryId").GetString()!;

    public long AlarmId => Json.GetProperty("alarm").GetProperty("id").GetInt64();
}
