namespace MedIoT.Mqtt.Internal;

/// <summary>
/// The in-flight window for our QoS 1 and 2 publishes: at most <see cref="Limit"/> await their PUBACK or
/// PUBCOMP at once (MQTT 5.0 §4.9 flow control: the server's Receive Maximum; for 3.1.1 the configured window).
/// The limit can change between connections (each CONNACK may announce another Receive Maximum); waiters are
/// served in arrival order so publishes keep their order (§4.6).
/// </summary>
internal sealed class MqttSendQuota(int limit)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiters = new();
    private int _limit = limit;
    private int _inUse;

    /// <summary>The current limit.</summary>
    public int Limit
    {
        get
        {
            lock (_lock)
            {
                return _limit;
            }
        }
    }

    /// <summary>How many slots are taken now.</summary>
    public int InUse
    {
        get
        {
            lock (_lock)
            {
                return _inUse;
            }
        }
    }

    /// <summary>The highest number of slots ever taken at once (diagnostics and tests).</summary>
    public int HighWaterMark { get; private set; }

    /// <summary>Changes the limit; a higher one lets waiters in at once, a lower one takes effect as slots free up.</summary>
    public void SetLimit(int limit)
    {
        List<TaskCompletionSource> released;
        lock (_lock)
        {
            _limit = limit;
            released = GrantLocked();
        }

        Complete(released);
    }

    /// <summary>Takes a slot, waiting while the window is full.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _inUse < _limit)
            {
                Take();
                return;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }

        try
        {
            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            bool granted;
            lock (_lock)
            {
                granted = node.List is null;
                if (!granted)
                {
                    _waiters.Remove(node);
                }
            }

            if (granted)
            {
                // The slot was granted as the wait was cancelled: hand it on.
                Release();
            }

            throw;
        }
    }

    /// <summary>Returns a slot.</summary>
    public void Release()
    {
        List<TaskCompletionSource> released;
        lock (_lock)
        {
            _inUse--;
            released = GrantLocked();
        }

        Complete(released);
    }

    private void Take()
    {
        _inUse++;
        if (_inUse > HighWaterMark)
        {
            HighWaterMark = _inUse;
        }
    }

    private List<TaskCompletionSource> GrantLocked()
    {
        var released = new List<TaskCompletionSource>();
        while (_waiters.First is { } first && _inUse < _limit)
        {
            _waiters.RemoveFirst();
            Take();
            released.Add(first.Value);
        }

        return released;
    }

    private static void Complete(List<TaskCompletionSource> released)
    {
        foreach (var waiter in released)
        {
            waiter.TrySetResult();
        }
    }
}
