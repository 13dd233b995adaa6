namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// A frame on its way to durable storage, with the acknowledgement that releases it at its source
/// (an MQTT PUBACK). Duplicates and rejected frames travel the same ordered queue with no frame, so
/// acknowledgements leave in the order the messages arrived (MQTT 3.1.1 §4.6).
/// </summary>
/// <param name="Frame">The verified frame to store, or null when there is nothing to store.</param>
/// <param name="Acknowledge">Tells the source the frame is durable (or was rightly discarded).</param>
public readonly record struct PendingFrame(VerifiedFrame? Frame, Func<CancellationToken, ValueTask> Acknowledge);
