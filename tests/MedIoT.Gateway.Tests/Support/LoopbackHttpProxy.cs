using System.Net;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// A loopback HTTP proxy in front of a real server, for what a test must observe or inject between the gateway and that
/// server. It handles one request at a time, in arrival order; <see cref="ForwardAsync"/> passes a request on unchanged
/// (method, path and query, body, content type and encoding, authorization) and the answer back (status, content type,
/// body), or answers 502 when the server is down, as a load balancer would.
/// </summary>
internal abstract class LoopbackHttpProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream;
    private readonly Task _loop;

    protected LoopbackHttpProxy(Uri upstream)
    {
        _upstream = new HttpClient { BaseAddress = upstream, Timeout = TimeSpan.FromSeconds(60) };
        Address = new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    /// <summary>The proxy's address, to give the gateway instead of the server's.</summary>
    public Uri Address { get; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
        {
        }

        _upstream.Dispose();
    }

    /// <summary>Answers one request whose body has been read; the response is closed afterwards.</summary>
    protected abstract Task HandleAsync(HttpListenerContext context, byte[] body);

    /// <summary>
    /// Forwards the request to the server and its answer back, the body of a 2xx answer passed through
    /// <paramref name="changeSuccessBody"/> when one is given; returns the status answered.
    /// </summary>
    protected async Task<int> ForwardAsync(HttpListenerContext context, byte[] body, Func<byte[], byte[]>? changeSuccessBody = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), context.Request.Url!.PathAndQuery.TrimStart('/'));
        if (body.Length > 0)
        {
            request.Content = new ByteArrayContent(body);
            foreach (var header in new[] { "Content-Type", "Content-Encoding" })
            {
                if (context.Request.Headers[header] is { } value)
                {
                    request.Content.Headers.TryAddWithoutValidation(header, value);
                }
            }
        }

        if (context.Request.Headers["Authorization"] is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = context.Response;
        try
        {
            using var answer = await _upstream.SendAsync(request);
            var answerBody = await answer.Content.ReadAsByteArrayAsync();
            if (changeSuccessBody is not null && answer.IsSuccessStatusCode)
            {
                answerBody = changeSuccessBody(answerBody);
            }

            response.StatusCode = (int)answer.StatusCode;
            if (answer.Content.Headers.ContentType is { } contentType)
            {
                response.ContentType = contentType.ToString();
            }

            await response.OutputStream.WriteAsync(answerBody);
        }
        catch (HttpRequestException)
        {
            response.StatusCode = (int)HttpStatusCode.BadGateway;
        }

        return response.StatusCode;
    }

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
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
            try
            {
                await HandleAsync(context, body.ToArray());
                context.Response.Close();
            }
            catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client closed the connection before the answer was sent (it timed out): drop this exchange only.
                context.Response.Abort();
            }
        }
    }
}
