using MedIoT.Mqtt.Internal;
using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt;

/// <summary>
/// A message the broker delivered (a PUBLISH, §3.3). For QoS 1 and 2, the broker redelivers it until it is
/// acknowledged (§4.3.2, §4.3.3): with <see cref="MqttClientOptions.AutoAcknowledge"/> off, call
/// <see cref="AcknowledgeAsync"/> once the message is safely stored, and do so in the order the
/// messages were received, because MQTT requires PUBACKs and PUBRECs in receive order (§4.6).
/// A QoS 2 message is handed to the application once per session even if the broker sends it again.
/// </summary>
public sealed class MqttReceivedMessage
{
    private readonly MqttClient? _client;
    private readonly MqttConnection? _connection;
    private readonly long _delivery;
    private readonly MqttProperties? _properties;
    private int _acknowledged;

    /// <summary>
    /// Creates a message that is not tied to a connection (for tests of code that consumes messages);
    /// <see cref="AcknowledgeAsync"/> does nothing.
    /// </summary>
    public MqttReceivedMessage(
        string topic, ReadOnlyMemory<byte> payload, MqttQualityOfService qualityOfService,
        bool retain = false, bool duplicate = false, ushort packetIdentifier = 0)
    {
        ArgumentNullException.ThrowIfNull(topic);
        Topic = topic;
        Payload = payload;
        QualityOfService = qualityOfService;
        Retain = retain;
        Duplicate = duplicate;
        PacketIdentifier = packetIdentifier;
    }

    internal MqttReceivedMessage(MqttPublishPacket publish, MqttClient client, MqttConnection connection, long delivery)
        : this(publish.Topic, publish.Payload, publish.QualityOfService, publish.Retain, publish.Duplicate, publish.PacketIdentifier)
    {
        // One reference, not a copy of each property: this object is allocated per received message.
        _properties = publish.Properties;

        if (publish.QualityOfService != MqttQualityOfService.AtMostOnce)
        {
            _client = client;
            _connection = connection;
            _delivery = delivery;
        }
    }

    /// <summary>The topic name the message was published to.</summary>
    public string Topic { get; }

    /// <summary>
    /// The payload. For a message the client received it is an array of its own that the client never reuses or changes,
    /// so a consumer may keep it (the gateway journals it without a copy).
    /// </summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The QoS of this delivery: the lower of the publisher's and the subscription's (§3.8.4).</summary>
    public MqttQualityOfService QualityOfService { get; }

    /// <summary>Whether this is a retained message sent because of a new subscription (§3.3.1.3).</summary>
    public bool Retain { get; }

    /// <summary>The DUP flag: the broker may have delivered this message before (§3.3.1.1).</summary>
    public bool Duplicate { get; }

    /// <summary>The packet identifier (§2.3.1); 0 for QoS 0.</summary>
    public ushort PacketIdentifier { get; }

    /// <summary>MQTT 5.0 user properties the publisher set (§3.3.2.3.7), in order; empty for 3.1.1.</summary>
    public IReadOnlyList<MqttUserProperty> UserProperties => _properties?.UserProperties ?? [];

    /// <summary>MQTT 5.0 Content Type (§3.3.2.3.9), or <see langword="null"/>.</summary>
    public string? ContentType => _properties?.ContentType;

    /// <summary>MQTT 5.0 Response Topic (§3.3.2.3.5), or <see langword="null"/>.</summary>
    public string? ResponseTopic => _properties?.ResponseTopic;

    /// <summary>MQTT 5.0 Correlation Data (§3.3.2.3.6), or <see langword="null"/>.</summary>
    public ReadOnlyMemory<byte>? CorrelationData => _properties?.CorrelationData;

    /// <summary>MQTT 5.0: the remaining lifetime the broker set (§3.3.2.3.3), or <see langword="null"/> for none.</summary>
    public TimeSpan? MessageExpiryInterval => _properties?.MessageExpiryInterval is { } expiry ? TimeSpan.FromSeconds(expiry) : null;

    /// <summary>Whether a PUBACK or PUBREC has been sent (or is being sent) for this message.</summary>
    public bool IsAcknowledged => Volatile.Read(ref _acknowledged) != 0;

    /// <summary>
    /// Sends the PUBACK for a QoS 1 message (§3.4) or the PUBREC for a QoS 2 message (§3.5), once: later
    /// calls, QoS 0 messages and messages already acknowledged automatically complete at once. If the
    /// connection is gone this completes without error: a QoS 1 message is redelivered on the next connection
    /// of a persistent session (§4.4); for a QoS 2 message the client answers the redelivery with the PUBREC
    /// without handing it to the application again. Acknowledge in receive order (§4.6).
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled before the PUBACK was written; it may be retried.</exception>
    public async ValueTask AcknowledgeAsync(CancellationToken cancellationToken = default)
    {
        if (_client is null || Interlocked.Exchange(ref _acknowledged, 1) != 0)
        {
            return;
        }

        try
        {
            await _client.AcknowledgeAsync(this, _connection!, _delivery, cancellationToken).ConfigureAwait(false);
        }
        catch (MqttConnectionClosedException)
        {
            // The broker keeps the message unacknowledged and redelivers it (§4.4); nothing is lost.
        }
        catch (OperationCanceledException)
        {
            Volatile.Write(ref _acknowledged, 0);
            throw;
        }
    }

    /// <summary>
    /// Acknowledges <paramref name="messages"/> in their order, as <see cref="AcknowledgeAsync"/> would one by one, with as few
    /// writes as possible: the PUBACKs of consecutive QoS 1 messages received on one connection leave in one write and one
    /// flush (§4.6 is kept: the order of the list is the order on the wire). Messages already acknowledged, QoS 0 messages
    /// and messages not tied to a connection are skipped; a QoS 2 message gets its PUBREC on its own.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled before the PUBACKs were written; none of the run being written counts as acknowledged.</exception>
    public static async ValueTask AcknowledgeAllAsync(IReadOnlyList<MqttReceivedMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        List<ushort>? run = null;
        List<MqttReceivedMessage>? claimed = null;
        var start = 0;
        while (start < messages.Count)
        {
            var first = messages[start];
            if (first.QualityOfService != MqttQualityOfService.AtLeastOnce || first._connection is null)
            {
                await first.AcknowledgeAsync(cancellationToken).ConfigureAwait(false);
                start++;
                continue;
            }

            // The longest run of QoS 1 messages of the same connection from here; each not yet acknowledged is claimed.
            run ??= new List<ushort>(messages.Count);
            claimed ??= new List<MqttReceivedMessage>(messages.Count);
            run.Clear();
            claimed.Clear();
            var end = start;
            for (; end < messages.Count && messages[end] is { QualityOfService: MqttQualityOfService.AtLeastOnce } next && next._connection == first._connection; end++)
            {
                if (Interlocked.Exchange(ref next._acknowledged, 1) == 0)
                {
                    run.Add(next.PacketIdentifier);
                    claimed.Add(next);
                }
            }

            try
            {
                if (run.Count > 0)
                {
                    await first._connection.SendPubAcksAsync(run, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (MqttConnectionClosedException)
            {
                // The broker keeps the messages unacknowledged and redelivers them (§4.4); nothing is lost.
            }
            catch (OperationCanceledException)
            {
                foreach (var message in claimed)
                {
                    // Not written (a cancelled wait for the write lock): they may be acknowledged again.
                    Volatile.Write(ref message._acknowledged, 0);
                }

                throw;
            }

            start = end;
        }
    }
}
