namespace MedIoT.Mqtt;

/// <summary>
/// The broker's successful answer to a publish: for QoS 1 the PUBACK's, for QoS 2 the PUBCOMP's reason code
/// (MQTT 5.0 §3.4.2.1, §3.7.2.1). MQTT 3.1.1 and QoS 0 give <see cref="MqttReasonCode.Success"/>. A failure code
/// (0x80 and above) is thrown as <see cref="MqttPublishException"/> instead.
/// </summary>
public sealed class MqttPublishResult
{
    internal static readonly MqttPublishResult Success = new(MqttReasonCode.Success, null);

    internal MqttPublishResult(MqttReasonCode reasonCode, string? reasonString)
    {
        ReasonCode = reasonCode;
        ReasonString = reasonString;
    }

    /// <summary>The reason code: <see cref="MqttReasonCode.Success"/> or <see cref="MqttReasonCode.NoMatchingSubscribers"/> (the broker accepted it but nobody is subscribed).</summary>
    public MqttReasonCode ReasonCode { get; }

    /// <summary>The broker's reason string, if any (diagnostics only).</summary>
    public string? ReasonString { get; }
}
