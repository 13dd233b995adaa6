namespace MedIoT.Mqtt.Packets;

/// <summary>CONNACK (3.1.1 §3.2; 5.0 §3.2): the broker's answer to CONNECT.</summary>
internal sealed class MqttConnAckPacket : MqttPacket
{
    /// <summary>An MQTT 3.1.1 CONNACK with a return code (§3.2.2.3).</summary>
    public MqttConnAckPacket(bool sessionPresent, MqttConnectReturnCode returnCode)
    {
        SessionPresent = sessionPresent;
        ReturnCode = returnCode;
        ReasonCode = returnCode == MqttConnectReturnCode.Accepted ? MqttReasonCode.Success : MqttReasonCode.UnspecifiedError;
    }

    /// <summary>An MQTT 5.0 CONNACK with a reason code and properties (§3.2.2.2, §3.2.2.3).</summary>
    public MqttConnAckPacket(bool sessionPresent, MqttReasonCode reasonCode, MqttProperties? properties)
    {
        SessionPresent = sessionPresent;
        ReasonCode = reasonCode;
        ReturnCode = MqttConnectException.ToReturnCode(reasonCode);
        Properties = properties ?? MqttProperties.Empty;
    }

    public override MqttPacketType Type => MqttPacketType.ConnAck;

    /// <summary>Whether the broker resumed a stored session (§3.2.2.2).</summary>
    public bool SessionPresent { get; }

    /// <summary>The 3.1.1 return code (§3.2.2.3); for 5.0 the closest 3.1.1 code.</summary>
    public MqttConnectReturnCode ReturnCode { get; }

    /// <summary>The 5.0 reason code (§3.2.2.2); for 3.1.1 success or unspecified error.</summary>
    public MqttReasonCode ReasonCode { get; }

    /// <summary>MQTT 5.0: the CONNACK properties (§3.2.2.3).</summary>
    public MqttProperties Properties { get; } = MqttProperties.Empty;
}
