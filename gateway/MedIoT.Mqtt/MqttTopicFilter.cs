using MedIoT.Mqtt.Internal;

namespace MedIoT.Mqtt;

/// <summary>A topic filter with the maximum QoS requested for it in a SUBSCRIBE (OASIS MQTT 3.1.1 §3.8.3, §4.7.1).</summary>
public sealed class MqttTopicFilter
{
    /// <summary>Creates a topic filter.</summary>
    /// <param name="filter">The filter: non-empty; '#' only as the whole last level; '+' only as a whole level (§4.7.1); at most 65535 UTF-8 bytes.</param>
    /// <param name="maximumQualityOfService">The highest QoS the broker may use when forwarding (§3.8.3).</param>
    /// <exception cref="ArgumentException">The filter is not valid.</exception>
    public MqttTopicFilter(string filter, MqttQualityOfService maximumQualityOfService)
    {
        ArgumentNullException.ThrowIfNull(filter);
        MqttStrings.RequireEncodable(filter, nameof(filter), $"topic filter '{filter}'");
        if (!MqttStrings.IsValidTopicFilter(filter))
        {
            throw new ArgumentException(
                $"The topic filter '{filter}' is not valid: it must be non-empty, '#' may only be the whole last level and '+' only a whole level (§4.7.1). Example: 'ward/+/bed/#'.",
                nameof(filter));
        }

        if (!Enum.IsDefined(maximumQualityOfService))
        {
            throw new ArgumentOutOfRangeException(nameof(maximumQualityOfService), maximumQualityOfService, "The QoS must be 0, 1 or 2 (§3.8.3).");
        }

        Filter = filter;
        MaximumQualityOfService = maximumQualityOfService;
    }

    /// <summary>The filter text.</summary>
    public string Filter { get; }

    /// <summary>The requested maximum QoS.</summary>
    public MqttQualityOfService MaximumQualityOfService { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Filter} (QoS {(byte)MaximumQualityOfService})";
}
