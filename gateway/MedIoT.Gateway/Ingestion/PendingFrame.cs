using MedIoT.Mqtt;

namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// A frame on its way to durable storage, with the acknowledgement that releases it at its source
/// (an MQTT PUBACK). Duplicates and rejected frames travel the same ordered queue with no frame, so
/// acknowledgements leave in the order the messages arrived (MQTT 3.1.1 §4.6).
/// </summary>
public readonly record struct PendingFrame
{
    private readonly Func<CancellationToken, ValueTask>? _acknowledge;

    /// <summary>A frame whose source is released by <paramref name="acknowledge"/>.</summary>
    /// <param name="frame">The verified frame to store, or null when there is nothing to store.</param>
    /// <param name="acknowledge">Tells the source the frame is durable (or was rightly discarded).</param>
    public PendingFrame(VerifiedFrame? frame, Func<CancellationToken, ValueTask> acknowledge)
    {
        ArgumentNullException.ThrowIfNull(acknowledge);
        Frame = frame;
        _acknowledge = acknowledge;
    }

    /// <summary>
    /// A frame received as the MQTT <paramref name="message"/>: kept as the message itself (no delegate per frame), so the journal
    /// can acknowledge a group commit's messages together (<see cref="FrameAcknowledgements"/>).
    /// </summary>
    internal PendingFrame(VerifiedFrame? frame, MqttReceivedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Frame = frame;
        Message = message;
    }

    /// <summary>The verified frame to store, or null when there is nothing to store.</summary>
    public VerifiedFrame? Frame { get; }

    /// <summary>The MQTT message the frame came in, when it did; its PUBACK releases it.</summary>
    internal MqttReceivedMessage? Message { get; }

    /// <summary>Tells the source the frame is durable (or was rightly discarded).</summary>
    public Func<CancellationToken, ValueTask> Acknowledge => _acknowledge ?? Message!.AcknowledgeAsync;
}
