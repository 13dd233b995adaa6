using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt.Internal;

/// <summary>A request (QoS 1 PUBLISH, SUBSCRIBE, UNSUBSCRIBE) awaiting the acknowledgement with its packet identifier (§2.3.1).</summary>
internal sealed class MqttPendingRequest(ushort packetIdentifier, MqttPacketType acknowledgementType, MqttPacket request, bool holdsPublishSlot)
{
    private readonly TaskCompletionSource<MqttPacket> _acknowledgement = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ushort PacketIdentifier { get; } = packetIdentifier;

    /// <summary>The packet type that completes this request: PUBACK, SUBACK or UNSUBACK.</summary>
    public MqttPacketType AcknowledgementType { get; } = acknowledgementType;

    /// <summary>The packet as sent; kept so a persistent session can resend it with DUP set after a reconnect (§4.4).</summary>
    public MqttPacket Request { get; } = request;

    /// <summary>Whether this request counts against <see cref="MqttClientOptions.MaximumInFlightPublishes"/>.</summary>
    public bool HoldsPublishSlot { get; } = holdsPublishSlot;

    /// <summary>Completes with the acknowledgement, or faults when the connection ends first.</summary>
    public Task<MqttPacket> Acknowledgement => _acknowledgement.Task;

    public void Complete(MqttPacket acknowledgement) => _acknowledgement.TrySetResult(acknowledgement);

    public void Fail(Exception exception) => _acknowledgement.TrySetException(exception);
}
