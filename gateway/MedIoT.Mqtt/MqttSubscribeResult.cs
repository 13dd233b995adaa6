namespace MedIoT.Mqtt;

/// <summary>The broker's answer to one topic filter of a SUBSCRIBE (OASIS MQTT 3.1.1 §3.9.3, MQTT 5.0 §3.9.3).</summary>
public sealed class MqttSubscribeResult
{
    /// <summary>Creates a result for <paramref name="filter"/>.</summary>
    public MqttSubscribeResult(MqttTopicFilter filter, MqttSubscribeReturnCode returnCode)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Filter = filter;
        ReturnCode = returnCode;
    }

    /// <summary>The filter as requested.</summary>
    public MqttTopicFilter Filter { get; }

    /// <summary>The return code the broker sent for this filter.</summary>
    public MqttSubscribeReturnCode ReturnCode { get; }

    /// <summary>MQTT 5.0: the SUBACK's reason string, if the broker sent one (diagnostics only, §3.9.2.1.1).</summary>
    public string? ReasonString { get; init; }

    /// <summary>Whether the broker accepted the subscription (a code below 0x80).</summary>
    public bool Succeeded => (byte)ReturnCode < 0x80;

    /// <summary>The maximum QoS the broker granted (it may be lower than requested, §3.9.3), or <see langword="null"/> on failure.</summary>
    public MqttQualityOfService? GrantedQualityOfService =>
        Succeeded ? (MqttQualityOfService)ReturnCode : null;
}
