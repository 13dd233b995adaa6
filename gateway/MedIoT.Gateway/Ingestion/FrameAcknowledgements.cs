using MedIoT.Mqtt;

namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// Releases the frames of one group commit at their sources, in arrival order (MQTT 3.1.1 §4.6), with as few writes as
/// possible: consecutive MQTT messages are acknowledged together (<see cref="MqttReceivedMessage.AcknowledgeAllAsync"/>), so a
/// batch of frames costs one socket write of PUBACKs instead of one write, one lock and one wake-up of the broker per frame.
/// Used by the journal's single writer only; not thread-safe.
/// </summary>
internal sealed class FrameAcknowledgements
{
    private readonly List<MqttReceivedMessage> _messages = [];

    /// <summary>Acknowledges every frame of <paramref name="batch"/>, in order. Call only once they are durable.</summary>
    public async ValueTask AcknowledgeAsync(IReadOnlyList<PendingFrame> batch, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var pending in batch)
            {
                if (pending.Message is { } message)
                {
                    _messages.Add(message);
                    continue;
                }

                // Another source (a serial port) between MQTT messages: what came before it is released first.
                await AcknowledgeMessagesAsync(cancellationToken).ConfigureAwait(false);
                await pending.Acknowledge(cancellationToken).ConfigureAwait(false);
            }

            await AcknowledgeMessagesAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _messages.Clear();
        }
    }

    private async ValueTask AcknowledgeMessagesAsync(CancellationToken cancellationToken)
    {
        if (_messages.Count > 0)
        {
            await MqttReceivedMessage.AcknowledgeAllAsync(_messages, cancellationToken).ConfigureAwait(false);
            _messages.Clear();
        }
    }
}
