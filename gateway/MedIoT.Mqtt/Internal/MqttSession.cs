using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Internal;

/// <summary>
/// The client side of the session state (§3.1.2.4, §4.1), kept apart from the transport so it outlives a
/// connection: the packet identifiers in use (§2.3.1), the requests awaiting acknowledgement keyed by
/// identifier (QoS 1 and 2 publishes are resent on the next connection, §4.4), and the QoS 2 messages
/// received but not yet released by PUBREL (§4.3.3), which make a redelivered PUBLISH a duplicate.
/// </summary>
internal sealed class MqttSession
{
    private const int UsableIdentifiers = ushort.MaxValue;

    private readonly Lock _lock = new();
    private readonly Dictionary<ushort, MqttPendingRequest> _pending = [];

    // QoS 2 messages received (§4.3.3, method B), by identifier until the PUBREL: which delivery to the
    // application (a token the message carries) and whether its PUBREC was sent.
    private readonly Dictionary<ushort, (long Delivery, bool PubRecSent)> _incomingExactlyOnce = [];

    // Waiting, never failing, when all identifiers or publish slots are taken: back-pressure on the caller.
    private readonly SemaphoreSlim _freeIdentifiers = new(UsableIdentifiers, UsableIdentifiers);
    private readonly MqttSendQuota _publishSlots;
    private readonly int _configuredInFlight;
    private ushort _nextIdentifier = 1;
    private long _nextSequence;
    private long _nextDelivery;
    private Exception? _closedReason;

    public MqttSession(int maximumInFlightPublishes)
    {
        _configuredInFlight = maximumInFlightPublishes;
        _publishSlots = new MqttSendQuota(maximumInFlightPublishes);
    }

    /// <summary>The publish window now: the configured one, lowered to the server's Receive Maximum (MQTT 5.0 §3.2.2.3.3).</summary>
    public int InFlightLimit => _publishSlots.Limit;

    /// <summary>The most QoS 1 and 2 publishes that were ever in flight at once.</summary>
    public int InFlightHighWaterMark => _publishSlots.HighWaterMark;

    /// <summary>
    /// A CONNACK announced the server's Receive Maximum (MQTT 5.0 §3.2.2.3.3; <see langword="null"/>: 65,535):
    /// the client must not have more unacknowledged QoS 1 and 2 publishes in flight (§4.9).
    /// </summary>
    public void SetServerReceiveMaximum(int? receiveMaximum) =>
        _publishSlots.SetLimit(Math.Min(_configuredInFlight, receiveMaximum ?? ushort.MaxValue));

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

    /// <summary>How many received QoS 2 messages await their PUBREL.</summary>
    public int IncomingExactlyOnceCount
    {
        get
        {
            lock (_lock)
            {
                return _incomingExactlyOnce.Count;
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
                var pending = new MqttPendingRequest(identifier, acknowledgementType, createRequest(identifier), isPublish, _nextSequence++);
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

    /// <summary>
    /// QoS 2, sender side: a PUBREC arrived for <paramref name="packetIdentifier"/> (§4.3.3). The request moves
    /// on to PUBREL (or already had: a repeated PUBREC asks for the PUBREL again). False when nothing awaits it.
    /// </summary>
    public bool TryAdvanceToRelease(ushort packetIdentifier, out MqttPendingRequest? pending)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(packetIdentifier, out pending))
            {
                return false;
            }

            switch (pending.AcknowledgementType)
            {
                case MqttPacketType.PubRec:
                    pending.AdvanceToRelease();
                    return true;
                case MqttPacketType.PubComp:
                    pending.ReleaseClaimOfAny();
                    return true;
                default:
                    pending = null;
                    return false;
            }
        }
    }

    /// <summary>The requests whose packets a new connection must carry again, in the order they were made (§4.4, §4.6).</summary>
    public MqttPendingRequest[] Snapshot()
    {
        lock (_lock)
        {
            var requests = _pending.Values.ToArray();
            Array.Sort(requests, static (left, right) => left.Sequence.CompareTo(right.Sequence));
            return requests;
        }
    }

    /// <summary>
    /// The connection ended but the session lives on: SUBSCRIBE and UNSUBSCRIBE requests fail (the caller
    /// retries or the client resubscribes), publishes stay to be resent (§4.4).
    /// </summary>
    public void FailNonPublishRequests(Exception reason)
    {
        List<MqttPendingRequest> failed;
        lock (_lock)
        {
            failed = [.. _pending.Values.Where(pending => !pending.HoldsPublishSlot)];
            foreach (var pending in failed)
            {
                _pending.Remove(pending.PacketIdentifier);
            }
        }

        foreach (var pending in failed)
        {
            pending.Fail(reason);
            Release(pending);
        }
    }

    /// <summary>
    /// QoS 2, receiver side: a PUBLISH with <paramref name="packetIdentifier"/> arrived. Returns
    /// <see langword="null"/> when it is new (now recorded under <paramref name="delivery"/>: deliver it),
    /// otherwise whether its PUBREC was already sent (a redelivery: answer PUBREC again if so, never deliver
    /// it twice, §4.3.3). A PUBLISH without DUP is a first attempt (§3.3.1.1), so it is new even if its
    /// identifier is still recorded: a broker reuses one only after losing its state (a crash).
    /// </summary>
    public bool? RecordIncomingExactlyOnce(ushort packetIdentifier, bool duplicate, out long delivery, out bool replaced)
    {
        lock (_lock)
        {
            replaced = false;
            if (_incomingExactlyOnce.TryGetValue(packetIdentifier, out var state))
            {
                if (duplicate)
                {
                    delivery = state.Delivery;
                    return state.PubRecSent;
                }

                replaced = true;
            }

            delivery = ++_nextDelivery;
            _incomingExactlyOnce[packetIdentifier] = (delivery, false);
            return null;
        }
    }

    /// <summary>The application acknowledged delivery <paramref name="delivery"/>: its PUBREC goes out. False when the session no longer holds that delivery.</summary>
    public bool MarkIncomingReceived(ushort packetIdentifier, long delivery)
    {
        lock (_lock)
        {
            if (!_incomingExactlyOnce.TryGetValue(packetIdentifier, out var state) || state.Delivery != delivery)
            {
                return false;
            }

            _incomingExactlyOnce[packetIdentifier] = (delivery, true);
            return true;
        }
    }

    /// <summary>
    /// A PUBREL arrived: the identifier is released (§4.3.3). Returns <see langword="false"/>, and keeps the
    /// state, when the message is still with the application unacknowledged (the broker cannot have had a
    /// PUBREC for it; the PUBREL is about an earlier message with the same identifier).
    /// </summary>
    public bool TryReleaseIncoming(ushort packetIdentifier)
    {
        lock (_lock)
        {
            if (_incomingExactlyOnce.TryGetValue(packetIdentifier, out var state) && !state.PubRecSent)
            {
                return false;
            }

            _incomingExactlyOnce.Remove(packetIdentifier);
            return true;
        }
    }

    /// <summary>The broker has no session (CONNACK session present 0): it forgot the QoS 2 messages it sent us.</summary>
    public void ForgetIncoming()
    {
        lock (_lock)
        {
            _incomingExactlyOnce.Clear();
        }
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
