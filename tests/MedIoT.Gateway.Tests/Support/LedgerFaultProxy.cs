using System.Net;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// A loopback HTTP proxy in front of the real ledger service process. It does two things the real service cannot:
/// it records every <c>POST /add-checkpoint</c> (old size, checkpoint size, the status answered), so a test can assert
/// the order of submissions, and it can answer 503 to the next submissions (an overloaded ledger behind a load
/// balancer) without forwarding them. Everything else is forwarded unchanged; a stopped ledger behind it is a 502.
/// </summary>
internal sealed class LedgerFaultProxy(Uri ledger) : LoopbackHttpProxy(ledger)
{
    private readonly List<Submission> _submissions = [];
    private int _overloadedFor;

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

    protected override async Task HandleAsync(HttpListenerContext context, byte[] body)
    {
        var submission = context.Request.HttpMethod == "POST" && context.Request.Url!.AbsolutePath == "/add-checkpoint";
        int status;
        if (submission && Interlocked.Decrement(ref _overloadedFor) >= 0)
        {
            status = (int)HttpStatusCode.ServiceUnavailable;
            context.Response.StatusCode = status;
        }
        else
        {
            Interlocked.Exchange(ref _overloadedFor, 0);
            status = await ForwardAsync(context, body);
        }

        if (submission)
        {
            AddCheckpointRequest.TryParse(body, out var parsed, out _);
            var size = parsed is not null && SignedNote.TryParse(parsed.SignedCheckpoint, out var note) && Checkpoint.TryParseBody(note.Text, out var checkpoint)
                ? checkpoint.Size : -1;
            lock (_submissions)
            {
                _submissions.Add(new Submission(parsed?.OldSize ?? -1, size, status));
            }
        }
    }

    /// <summary>One submission: the old size, the checkpoint's size and the status answered.</summary>
    internal sealed record Submission(long OldSize, long Size, int Status);
}
