using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Internal;

/// <summary>
/// A request (QoS 1 or 2 PUBLISH, SUBSCRIBE, UNSUBSCRIBE) awaiting the acknowledgement with its packet
/// identifier (§2.3.1). A QoS 2 publish moves through two stages (§4.3.3): PUBLISH awaiting PUBREC, then
/// PUBREL awaiting PUBCOMP. Stage changes happen under the owning <see cref="MqttSession"/>'s lock.
/// </summary>
internal sealed class MqttPendingRequest(ushort packetIdentifier, MqttPacketType acknowledgementType, MqttPacket request, bool holdsPublishSlot, long sequence)
{
    private readonly TaskCompletionSource<MqttPacket> _acknowledgement = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private object? _sentOn;
    private int _everSent;

    public ushort PacketIdentifier { get; } = packetIdentifier;

    /// <summary>The packet type that completes the current stage: PUBACK, PUBREC, PUBCOMP, SUBACK or UNSUBACK.</summary>
    public MqttPacketType AcknowledgementType { get; private set; } = acknowledgementType;

    /// <summary>The packet of the current stage; a persistent session resends it after a reconnect (§4.4).</summary>
    public MqttPacket Request { get; private set; } = request;

    /// <summary>Whether this request counts against <see cref="MqttClientOptions.MaximumInFlightPublishes"/>.</summary>
    public bool HoldsPublishSlot { get; } = holdsPublishSlot;

    /// <summary>The order in which requests were made; resends keep it (§4.6).</summary>
    public long Sequence { get; } = sequence;

    /// <summary>Completes with the final acknowledgement, or faults when the session ends first.</summary>
    public Task<MqttPacket> Acknowledgement => _acknowledgement.Task;

    /// <summary>
    /// Claims the right to write the current stage's packet on <paramref name="connection"/>: true once per
    /// connection and stage, so a reconnect's resend pass and the original caller never both write it.
    /// <paramref name="packet"/> is the packet to write: a PUBLISH written before carries DUP (§3.3.1.1).
    /// </summary>
    public bool TryClaim(object connection, out MqttPacket packet)
    {
        packet = Request;
        while (true)
        {
            var previous = Volatile.Read(ref _sentOn);
            if (ReferenceEquals(previous, connection))
            {
                return false;
            }

            if (ReferenceEquals(Interlocked.CompareExchange(ref _sentOn, connection, previous), previous))
            {
                break;
            }
        }

        var resend = Interlocked.Exchange(ref _everSent, 1) != 0;
        packet = Request;
        if (resend && packet is MqttPublishPacket publish && !publish.Duplicate)
        {
            packet = publish.AsDuplicate();
        }

        return true;
    }

    /// <summary>Releases a claim whose write failed before it started, so another pass may send it.</summary>
    public void ReleaseClaim(object connection) => Interlocked.CompareExchange(ref _sentOn, null, connection);

    /// <summary>Forgets where the current stage was written, so it is written again (a repeated PUBREC asks for PUBREL again).</summary>
    public void ReleaseClaimOfAny() => Volatile.Write(ref _sentOn, null);

    /// <summary>QoS 2: PUBREC arrived; from now on the request is a PUBREL awaiting PUBCOMP (§4.3.3).</summary>
    public void AdvanceToRelease()
    {
        AcknowledgementType = MqttPacketType.PubComp;
        Request = new MqttPubRelPacket(PacketIdentifier);
        Volatile.Write(ref _sentOn, null);
        Volatile.Write(ref _everSent, 0);
    }

    public void Complete(MqttPacket acknowledgement) => _acknowledgement.TrySetResult(acknowledgement);

    public void Fail(Exception exception) => _acknowledgement.TrySetException(exception);
}
