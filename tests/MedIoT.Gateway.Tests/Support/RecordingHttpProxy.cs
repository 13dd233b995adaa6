using System.IO.Compression;
using System.Net;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// A loopback HTTP proxy in front of a real server (InfluxDB) that records the body of every request the server answered
/// with success, decompressed: what the server accepted, in the order it accepted it (one request at a time, like the
/// gateway's writer). When the server is down the proxy answers 502.
/// </summary>
internal sealed class RecordingHttpProxy(Uri upstream) : LoopbackHttpProxy(upstream)
{
    private readonly List<(string Path, byte[] Body)> _accepted = [];

    /// <summary>Bodies of the requests to <paramref name="path"/> the server accepted, in order.</summary>
    public IReadOnlyList<byte[]> Accepted(string path)
    {
        lock (_accepted)
        {
            return [.. _accepted.Where(a => a.Path == path).Select(a => a.Body)];
        }
    }

    protected override async Task HandleAsync(HttpListenerContext context, byte[] body)
    {
        var status = await ForwardAsync(context, body);
        if (status is >= 200 and < 300)
        {
            var accepted = context.Request.Headers["Content-Encoding"] == "gzip" ? Decompress(body) : body;
            lock (_accepted)
            {
                _accepted.Add((context.Request.Url!.AbsolutePath, accepted));
            }
        }
    }

    private static byte[] Decompress(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
