using System.Net;
using System.Text;
using MedIoT.Ledger.Anchoring;
using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Gateway.Tests.Support;

/// <summary>
/// A loopback HTTP proxy in front of the real ledger service process. It does two things the real service cannot:
/// it records every <c>POST /add-checkpoint</c> (old size, checkpoint size, the status answered), so a test can assert
/// the order of submissions, and it can answer 503 to the next submissions (an overloaded ledger behind a load
/// balancer) without forwarding them, or stall the next submissions for a while before forwarding them (a ledger that
/// answers slower than the gateway waits: the ledger still does the work, its answer comes too late). Both are fault
/// injection the real service cannot be asked for. Everything else is forwarded unchanged; a stopped ledger behind it
/// is a 502. It can also rewrite the receipts the ledger answers (<see cref="ChangeReceipts"/>), for a ledger whose
/// receipts the gateway must refuse although the ledger's key signed them.
/// </summary>
internal sealed class LedgerFaultProxy(Uri ledger) : LoopbackHttpProxy(ledger)
{
    private readonly List<Submission> _submissions = [];
    private int _overloadedFor;
    private int _stalledFor;
    private long _stallTicks;
    private Func<string, string>? _receiptChange;

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

    /// <summary>
    /// Holds each of the next <paramref name="submissions"/> submissions for <paramref name="stall"/> (at most 30 s) before
    /// forwarding it, recording it as stalled. Requests are handled one at a time, so a request that arrives meanwhile
    /// waits behind the stalled one.
    /// </summary>
    public void Stall(int submissions, TimeSpan stall)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(submissions);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stall, TimeSpan.FromSeconds(30));
        Interlocked.Exchange(ref _stallTicks, stall.Ticks);
        Interlocked.Exchange(ref _stalledFor, submissions);
    }

    /// <summary>
    /// Passes the text of every receipt the ledger answers (200 to <c>POST /add-checkpoint</c> and <c>GET /receipt</c>)
    /// through <paramref name="change"/> from now on; null answers them unchanged again.
    /// </summary>
    public void ChangeReceipts(Func<string, string>? change) => Volatile.Write(ref _receiptChange, change);

    protected override async Task HandleAsync(HttpListenerContext context, byte[] body)
    {
        var submission = context.Request.HttpMethod == "POST" && context.Request.Url!.AbsolutePath == "/add-checkpoint";
        var change = Volatile.Read(ref _receiptChange);
        Func<byte[], byte[]>? changeReceipt = change is not null && (submission || context.Request.Url!.AbsolutePath == "/receipt")
            ? receipt => Encoding.UTF8.GetBytes(change(Encoding.UTF8.GetString(receipt)))
            : null;
        int status;
        var stalled = false;
        if (submission && Interlocked.Decrement(ref _overloadedFor) >= 0)
        {
            status = (int)HttpStatusCode.ServiceUnavailable;
            context.Response.StatusCode = status;
        }
        else
        {
            Interlocked.Exchange(ref _overloadedFor, 0);
            stalled = submission && Interlocked.Decrement(ref _stalledFor) >= 0;
            if (!stalled)
            {
                if (submission)
                {
                    Interlocked.Exchange(ref _stalledFor, 0);
                }

                status = await ForwardAsync(context, body, changeReceipt);
            }
            else
            {
                // Fault injection: a slow ledger. The bounded delay is the fault itself, not a wait for something.
                await Task.Delay(TimeSpan.FromTicks(Interlocked.Read(ref _stallTicks)));
                try
                {
                    status = await ForwardAsync(context, body, changeReceipt);
                }
                catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException)
                {
                    // The client gave up waiting and closed the connection: the ledger answered, nobody heard it.
                    status = context.Response.StatusCode;
                }
            }
        }

        if (submission)
        {
            AddCheckpointRequest.TryParse(body, out var parsed, out _);
            var size = parsed is not null && SignedNote.TryParse(parsed.SignedCheckpoint, out var note) && Checkpoint.TryParseBody(note.Text, out var checkpoint)
                ? checkpoint.Size : -1;
            lock (_submissions)
            {
                _submissions.Add(new Submission(parsed?.OldSize ?? -1, size, status, stalled));
            }
        }
    }

    /// <summary>One submission: the old size, the checkpoint's size, the status answered (by the ledger, for a stalled one) and whether it was stalled.</summary>
    internal sealed record Submission(long OldSize, long Size, int Status, bool Stalled = false);
}
