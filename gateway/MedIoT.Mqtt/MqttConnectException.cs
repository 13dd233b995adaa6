namespace MedIoT.Mqtt;

/// <summary>
/// The broker refused the connection: a non-zero CONNACK return code (MQTT 3.1.1 §3.2.2.3) or a CONNACK
/// reason code of 0x80 or above (MQTT 5.0 §3.2.2.2).
/// </summary>
public sealed class MqttConnectException : Exception
{
    /// <summary>Creates an exception for an MQTT 3.1.1 <paramref name="returnCode"/>.</summary>
    public MqttConnectException(MqttConnectReturnCode returnCode)
        : base($"The MQTT broker refused the connection: CONNACK return code {(byte)returnCode} ({returnCode}).")
    {
        ReturnCode = returnCode;
        ReasonCode = returnCode switch
        {
            MqttConnectReturnCode.UnacceptableProtocolVersion => MqttReasonCode.UnsupportedProtocolVersion,
            MqttConnectReturnCode.IdentifierRejected => MqttReasonCode.ClientIdentifierNotValid,
            MqttConnectReturnCode.ServerUnavailable => MqttReasonCode.ServerUnavailable,
            MqttConnectReturnCode.BadUserNameOrPassword => MqttReasonCode.BadUserNameOrPassword,
            MqttConnectReturnCode.NotAuthorized => MqttReasonCode.NotAuthorized,
            _ => MqttReasonCode.UnspecifiedError,
        };
    }

    /// <summary>Creates an exception for an MQTT 5.0 <paramref name="reasonCode"/> and the broker's optional reason string (§3.2.2.3.9).</summary>
    public MqttConnectException(MqttReasonCode reasonCode, string? reasonString)
        : base($"The MQTT broker refused the connection: CONNACK reason code 0x{(byte)reasonCode:X2} ({reasonCode}){(reasonString is null ? string.Empty : $": {reasonString}")}.")
    {
        ReasonCode = reasonCode;
        ReasonString = reasonString;
        ReturnCode = ToReturnCode(reasonCode);
    }

    /// <summary>
    /// The CONNACK return code; for MQTT 5.0 the closest 3.1.1 code (0x87 Not authorized gives
    /// <see cref="MqttConnectReturnCode.NotAuthorized"/>, 0x86 <see cref="MqttConnectReturnCode.BadUserNameOrPassword"/>,
    /// 0x85 <see cref="MqttConnectReturnCode.IdentifierRejected"/>, 0x84 <see cref="MqttConnectReturnCode.UnacceptableProtocolVersion"/>,
    /// anything else <see cref="MqttConnectReturnCode.ServerUnavailable"/>).
    /// </summary>
    public MqttConnectReturnCode ReturnCode { get; }

    /// <summary>The MQTT 5.0 reason code; for 3.1.1 the reason code matching the return code.</summary>
    public MqttReasonCode ReasonCode { get; }

    /// <summary>MQTT 5.0: the broker's reason string, if it sent one (diagnostics only, §3.2.2.3.9).</summary>
    public string? ReasonString { get; }

    internal static MqttConnectReturnCode ToReturnCode(MqttReasonCode reasonCode) => reasonCode switch
    {
        MqttReasonCode.Success => MqttConnectReturnCode.Accepted,
        MqttReasonCode.UnsupportedProtocolVersion => MqttConnectReturnCode.UnacceptableProtocolVersion,
        MqttReasonCode.ClientIdentifierNotValid => MqttConnectReturnCode.IdentifierRejected,
        MqttReasonCode.BadUserNameOrPassword => MqttConnectReturnCode.BadUserNameOrPassword,
        MqttReasonCode.NotAuthorized => MqttConnectReturnCode.NotAuthorized,
        _ => MqttConnectReturnCode.ServerUnavailable,
    };
}
