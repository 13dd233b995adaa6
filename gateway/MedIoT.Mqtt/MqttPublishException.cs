namespace MedIoT.Mqtt;

/// <summary>
/// MQTT 5.0: the broker refused a QoS 1 or 2 publish with a failure reason code in PUBACK or PUBREC (§3.4.2.1,
/// §3.5.2.1: e.g. 0x87 Not authorized, 0x97 Quota exceeded), or ended a QoS 2 exchange with PUBCOMP 0x92 (packet
/// identifier not found, §3.7.2.1). The message is not delivered by the broker; the client does not resend it.
/// </summary>
public sealed class MqttPublishException : Exception
{
    /// <summary>Creates an exception for <paramref name="reasonCode"/> on <paramref name="topic"/>.</summary>
    public MqttPublishException(string topic, MqttReasonCode reasonCode, string? reasonString)
        : base($"The MQTT broker refused the publish to '{topic}': reason code 0x{(byte)reasonCode:X2} ({reasonCode}){(reasonString is null ? string.Empty : $": {reasonString}")}.")
    {
        Topic = topic;
        ReasonCode = reasonCode;
        ReasonString = reasonString;
    }

    /// <summary>The topic of the refused message.</summary>
    public string Topic { get; }

    /// <summary>The failure reason code.</summary>
    public MqttReasonCode ReasonCode { get; }

    /// <summary>The broker's reason string, if any.</summary>
    public string? ReasonString { get; }
}
