using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Internal;

/// <summary>
/// The client side of the session state (§3.1.2.4), kept apart from the transport: the packet
/// identifiers in use (§2.3.1) and the requests awaiting acknowledgement, keyed by identifier.
/// Today a closed connection fails every pending request; a reconnecting client will instead keep the
/// session, reopen it and resend the pending PUBLISH packets with DUP set (§4.4).
/// </summary>
internal sealed class MqttSession
{
    private const int UsableIdentifiers = ushort.MaxValue;

    private readonly Lock _lock = new();
    private readonly Dictionary<ushort, MqttPendingRequest> _pending = [];

    // Waiting, never failing, when all identifiers or publish slots are taken: back-pressure on the caller.
    private readonly SemaphoreSlim _freeIdentifiers = new(UsableIdentifiers, UsableIdentifiers);
    private readonly SemaphoreSlim _publishSlots;
    private ushort _nextIdentifier = 1;
    private Exception? _closedReason;

    public MqttSession(int maximumInFlightPublishes) =>
        _publishSlots = new SemaphoreSlim(maximumInFlightPublishes, maximumInFlightPublishes);

    /// <summary>How many requests await acknowledgement.</summary>
    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Allocates a free packet identifier and registers the request <paramref name="createRequest"/> builds for it.
    /// Waits while <see cref="MqttClientOptions.MaximumInFlightPublishes"/> publishes (if <paramref name="isPublish"/>) or all identifiers are in use.
    /// </summary>
    /// <exception cref="MqttConnectionClosedException">The session is closed.</exception>
    public async ValueTask<MqttPendingRequest> BeginRequestAsync(
        MqttPacketType acknowledgementType, bool isPublish, Func<ushort, MqttPacket> createRequest, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        if (isPublish)
        {
            await _publishSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await _freeIdentifiers.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ReleaseSlot(isPublish);
            throw;
        }

        lock (_lock)
        {
            if (_closedReason is null)
            {
                // §2.3.1: any identifier not in use, never 0. The cursor spreads reuse over the range.
                while (_nextIdentifier == 0 || _pending.ContainsKey(_nextIdentifier))
                {
                    _nextIdentifier = unchecked((ushort)(_nextIdentifier + 1));
                }

                var identifier = _nextIdentifier;
                _nextIdentifier = unchecked((ushort)(_nextIdentifier + 1));
                var pending = new MqttPendingRequest(identifier, acknowledgementType, createRequest(identifier), isPublish);
                _pending.Add(identifier, pending);
                return pending;
            }
        }

        _freeIdentifiers.Release();
        ReleaseSlot(isPublish);
        ThrowIfClosed();
        throw new InvalidOperationException("Unreachable: the session closed.");
    }

    /// <summary>Removes and returns the request an acknowledgement of <paramref name="acknowledgementType"/> answers, freeing its identifier.</summary>
    public bool TryTake(ushort packetIdentifier, MqttPacketType acknowledgementType, out MqttPendingRequest? pending)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(packetIdentifier, out pending) || pending.AcknowledgementType != acknowledgementType)
            {
                pending = null;
                return false;
            }

            _pending.Remove(packetIdentifier);
        }

        Release(pending);
        return true;
    }

    /// <summary>Forgets a request that was never sent (cancelled or failed before it reached the transport).</summary>
    public void Abandon(MqttPendingRequest pending, Exception reason)
    {
        bool removed;
        lock (_lock)
        {
            removed = _pending.TryGetValue(pending.PacketIdentifier, out var current)
                && ReferenceEquals(current, pending)
                && _pending.Remove(pending.PacketIdentifier);
        }

        if (removed)
        {
            pending.Fail(reason);
            Release(pending);
        }
    }

    /// <summary>Fails every pending request with <paramref name="reason"/> and refuses new ones.</summary>
    public void Close(Exception reason)
    {
        List<MqttPendingRequest> failed;
        lock (_lock)
        {
            _closedReason ??= reason;
            failed = [.. _pending.Values];
            _pending.Clear();
        }

        foreach (var pending in failed)
        {
            pending.Fail(reason);
            Release(pending);
        }
    }

    private void Release(MqttPendingRequest pending)
    {
        _freeIdentifiers.Release();
        ReleaseSlot(pending.HoldsPublishSlot);
    }

    private void ReleaseSlot(bool isPublish)
    {
        if (isPublish)
        {
            _publishSlots.Release();
        }
    }

    private void ThrowIfClosed()
    {
        Exception? reason;
        lock (_lock)
        {
            reason = _closedReason;
        }

        if (reason is not null)
        {
            throw reason is MqttConnectionClosedException closed
                ? new MqttConnectionClosedException(closed.Message, closed.InnerException)
                : new MqttConnectionClosedException("The MQTT connection is closed.", reason);
        }
    }
}
