using System.Net;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// A loopback HTTP proxy in front of the real ledger service process. It does two things the real service cannot:
/// it records every <c>POST /add-checkpoint</c> (old size, checkpoint size, the status answered), so a test can assert
/// the order of submissions, and it can answer 503 to the next submissions (an overloaded ledger behind a load
/// balancer) without forwarding them. Everything else is forwarded unchanged (status, content type, body); a stopped
/// ledger behind it is a 502. Requests are handled one at a time, in arrival order.
/// </summary>
internal sealed class LedgerFaultProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream;
    private readonly List<Submission> _submissions = [];
    private readonly Task _loop;
    private int _overloadedFor;

    public LedgerFaultProxy(Uri ledger)
    {
        _upstream = new HttpClient { BaseAddress = ledger, Timeout = TimeSpan.FromSeconds(60) };
        Address = new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Address { get; }

    /// <summary>Every submission received, in order, with the status answered.</summary>
    public IReadOnlyList<Submission> Submissions
    {
        get
        {
            lock (_submissions)
            {
                return [.. _submissions];
            }
        }
    }

    /// <summary>Answers the next <paramref name="submissions"/> submissions with 503 itself, recording them.</summary>
    public void Overload(int submissions) => Interlocked.Exchange(ref _overloadedFor, submissions);

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

            await HandleAsync(context);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var bytes = body.ToArray();
        var submission = context.Request.HttpMethod == "POST" && context.Request.Url!.AbsolutePath == "/add-checkpoint";
        var response = context.Response;
        int status;
        if (submission && Interlocked.Decrement(ref _overloadedFor) >= 0)
        {
            status = (int)HttpStatusCode.ServiceUnavailable;
            response.StatusCode = status;
        }
        else
        {
            Interlocked.Exchange(ref _overloadedFor, 0);
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), context.Request.Url!.PathAndQuery.TrimStart('/'));
            if (bytes.Length > 0)
            {
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
            }

            try
            {
                using var answer = await _upstream.SendAsync(request);
                var answerBody = await answer.Content.ReadAsByteArrayAsync();
                status = (int)answer.StatusCode;
                response.StatusCode = status;
                if (answer.Content.Headers.ContentType is { } contentType)
                {
                    response.ContentType = contentType.ToString();
                }

                await response.OutputStream.WriteAsync(answerBody);
            }
            catch (HttpRequestException)
            {
                status = (int)HttpStatusCode.BadGateway;
                response.StatusCode = status;
            }
        }

        if (submission)
        {
            AddCheckpointRequest.TryParse(bytes, out var parsed, out _);
            var size = parsed is not null && SignedNote.TryParse(parsed.SignedCheckpoint, out var note) && Checkpoint.TryParseBody(note.Text, out var checkpoint)
                ? checkpoint.Size : -1;
            lock (_submissions)
            {
                _submissions.Add(new Submission(parsed?.OldSize ?? -1, size, status));
            }
        }

        response.Close();
    }

    /// <summary>One submission: the old size, the checkpoint's size and the status answered.</summary>
    internal sealed record Submission(long OldSize, long Size, int Status);
}
