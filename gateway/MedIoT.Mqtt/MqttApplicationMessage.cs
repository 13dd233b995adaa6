using MedIoT.Mqtt.Internal;
using MedIoT.Mqtt.Packets;

namespace MedIoT.Mqtt;

/// <summary>A message to publish (OASIS MQTT 3.1.1 §3.3).</summary>
public sealed class MqttApplicationMessage
{
    /// <summary>Creates a message.</summary>
    /// <param name="topic">The topic name (§4.7): non-empty, no '+' or '#', at most 65535 UTF-8 bytes, no U+0000.</param>
    /// <param name="payload">The application payload; MQTT does not interpret it (§3.3.3).</param>
    /// <param name="qualityOfService">The delivery guarantee (§4.3).</param>
    /// <param name="retain">Whether the broker keeps the message for future subscribers (§3.3.1.3).</param>
    /// <exception cref="ArgumentException">The topic is not a valid topic name.</exception>
    public MqttApplicationMessage(
        string topic, ReadOnlyMemory<byte> payload,
        MqttQualityOfService qualityOfService = MqttQualityOfService.AtLeastOnce, bool retain = false)
    {
        ArgumentNullException.ThrowIfNull(topic);
        MqttStrings.RequireEncodable(topic, nameof(topic), $"topic name '{topic}'");
        if (!MqttStrings.IsValidTopicName(topic))
        {
            throw new ArgumentException(
                $"The topic name '{topic}' is empty or contains a wildcard ('+' or '#'), which a PUBLISH must not carry (§3.3.2.1, §4.7). Use a concrete topic such as 'ward/3/bed/12/vitals'.",
                nameof(topic));
        }

        if (!Enum.IsDefined(qualityOfService))
        {
            throw new ArgumentOutOfRangeException(nameof(qualityOfService), qualityOfService, "The QoS must be 0, 1 or 2 (§4.3).");
        }

        Topic = topic;
        Payload = payload;
        QualityOfService = qualityOfService;
        Retain = retain;
    }

    /// <summary>The topic name.</summary>
    public string Topic { get; }

    /// <summary>The application payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The delivery guarantee.</summary>
    public MqttQualityOfService QualityOfService { get; }

    /// <summary>Whether the broker retains the message (§3.3.1.3).</summary>
    public bool Retain { get; }

    /// <summary>MQTT 5.0 user properties (§3.3.2.3.7), forwarded by the broker unchanged and in order. MQTT 3.1.1 connections refuse them. Default none.</summary>
    public IReadOnlyList<MqttUserProperty> UserProperties
    {
        get;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            field = [.. value];
        }
    } = [];

    /// <summary>MQTT 5.0 Content Type (§3.3.2.3.9), e.g. <c>application/jose</c>; <see langword="null"/> (default) for none.</summary>
    public string? ContentType
    {
        get;
        init
        {
            if (value is not null)
            {
                MqttStrings.RequireEncodable(value, nameof(ContentType), "content type");
            }

            field = value;
        }
    }

    /// <summary>
    /// MQTT 5.0 Message Expiry Interval (§3.3.2.3.3): the broker discards the message if it cannot deliver it in time.
    /// Whole seconds, 1 s to about 136 years; <see langword="null"/> (default) for never.
    /// </summary>
    public TimeSpan? MessageExpiryInterval
    {
        get;
        init
        {
            if (value is { } interval && (interval < TimeSpan.FromSeconds(1) || interval.Ticks % TimeSpan.TicksPerSecond != 0 || interval.TotalSeconds > uint.MaxValue))
            {
                throw new ArgumentOutOfRangeException(nameof(MessageExpiryInterval), value, "The message expiry is whole seconds, at least 1 (MQTT 5.0 §3.3.2.3.3).");
            }

            field = value;
        }
    }

    /// <summary>Whether any MQTT 5.0 property is set (3.1.1 cannot carry them).</summary>
    internal bool HasVersion5Properties => UserProperties.Count > 0 || ContentType is not null || MessageExpiryInterval is not null;

    /// <summary>The PUBLISH properties (§3.3.2.3), or <see langword="null"/> when none are set.</summary>
    internal MqttProperties? ToProperties() => HasVersion5Properties
        ? new MqttProperties
        {
            UserProperties = UserProperties.Count > 0 ? UserProperties : null,
            ContentType = ContentType,
            MessageExpiryInterval = MessageExpiryInterval is { } expiry ? (uint)expiry.TotalSeconds : null,
        }
        : null;
}
