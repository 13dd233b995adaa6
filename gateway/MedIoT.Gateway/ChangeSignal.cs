namespace MedIoT.Gateway;

/// <summary>
/// Lets a caller wait until a condition over some counters holds, re-evaluated at every change. Recording a change
/// costs one interlocked exchange and allocates nothing unless somebody is waiting; only a waiter creates the signal.
/// Shared by the statistics of ingestion, the journal and the alerts (tests, health checks, load harnesses).
/// </summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource? _changed;

    /// <summary>Wakes every waiter so it re-evaluates its condition.</summary>
    public void Notify() => Interlocked.Exchange(ref _changed, null)?.TrySetResult();

    /// <summary>
    /// Completes when <paramref name="condition"/> holds; after <paramref name="timeout"/> throws a
    /// <see cref="TimeoutException"/> with the message <paramref name="describeTimeout"/> gives.
    /// </summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describeTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        while (true)
        {
            // Take the signal before checking, so a change between the check and the wait is not missed.
            var changed = Volatile.Read(ref _changed) ?? Install();
            if (condition())
            {
                return;
            }

            try
            {
                await changed.Task.WaitAsync(timeoutSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(describeTimeout());
            }
        }
    }

    private TaskCompletionSource Install()
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return Interlocked.CompareExchange(ref _changed, created, null) ?? created;
    }
}
