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

    /// <summary>
    /// MQTT 5.0 No Local option (§3.8.3.1): the broker does not send this client's own publishes back. Not
    /// allowed on a shared subscription (<c>$share/...</c>); MQTT 3.1.1 connections refuse it. Default false.
    /// </summary>
    public bool NoLocal
    {
        get;
        init
        {
            if (value && Filter.StartsWith("$share/", StringComparison.Ordinal))
            {
                throw new ArgumentException($"No Local cannot be set on the shared subscription '{Filter}' (MQTT 5.0 §3.8.3.1).", nameof(NoLocal));
            }

            field = value;
        }
    }

    /// <summary>MQTT 5.0 Retain As Published option (§3.8.3.1): forwarded messages keep their RETAIN flag. Default false.</summary>
    public bool RetainAsPublished { get; init; }

    /// <summary>MQTT 5.0 Retain Handling option (§3.8.3.1): when retained messages are sent for this subscription. Default <see cref="MqttRetainHandling.SendAtSubscribe"/>.</summary>
    public MqttRetainHandling RetainHandling
    {
        get;
        init
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(RetainHandling), value, "Retain Handling is 0, 1 or 2 (MQTT 5.0 §3.8.3.1).");
            }

            field = value;
        }
    }

    /// <summary>Whether any MQTT 5.0 subscription option differs from its default (3.1.1 cannot carry them).</summary>
    internal bool HasVersion5Options => NoLocal || RetainAsPublished || RetainHandling != MqttRetainHandling.SendAtSubscribe;

    /// <summary>The filter text.</summary>
    public string Filter { get; }

    /// <summary>The requested maximum QoS.</summary>
    public MqttQualityOfService MaximumQualityOfService { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Filter} (QoS {(byte)MaximumQualityOfService})";
}
