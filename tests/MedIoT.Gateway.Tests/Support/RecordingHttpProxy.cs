using System.IO.Compression;
using System.Net;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// A loopback HTTP proxy in front of a real server (InfluxDB) that records the body of every request the server answered
/// with success, decompressed: what the server accepted, in the order it accepted it. When the server is down the proxy
/// answers 502, as a load balancer would.
/// </summary>
internal sealed class RecordingHttpProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream;
    private readonly List<(string Path, byte[] Body)> _accepted = [];
    private readonly Task _loop;

    public RecordingHttpProxy(Uri upstream)
    {
        _upstream = new HttpClient { BaseAddress = upstream };
        var port = FreeTcpPort.Next();
        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Address { get; }

    /// <summary>Bodies of the requests to <paramref name="path"/> the server accepted, in order.</summary>
    public IReadOnlyList<byte[]> Accepted(string path)
    {
        lock (_accepted)
        {
            return [.. _accepted.Where(a => a.Path == path).Select(a => a.Body)];
        }
    }

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

            // One request at a time, like the gateway's writer: the recorded order is the order of acceptance.
            await ForwardAsync(context);
        }
    }

    private async Task ForwardAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var bytes = body.ToArray();
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), context.Request.Url!.PathAndQuery.TrimStart('/'))
        {
            Content = new ByteArrayContent(bytes),
        };
        foreach (var header in new[] { "Content-Type", "Content-Encoding" })
        {
            if (context.Request.Headers[header] is { } value)
            {
                request.Content.Headers.TryAddWithoutValidation(header, value);
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
            if (answer.IsSuccessStatusCode)
            {
                var accepted = context.Request.Headers["Content-Encoding"] == "gzip" ? Decompress(bytes) : bytes;
                lock (_accepted)
                {
                    _accepted.Add((context.Request.Url.AbsolutePath, accepted));
                }
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

        response.Close();
    }

    private static byte[] Decompress(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
