namespace MedIoT.Mqtt;

/// <summary>
/// An MQTT 5.0 reason code (OASIS MQTT Version 5.0 §2.4, table 2-6): below 0x80 success, 0x80 and above
/// failure. Which codes a packet may carry is checked when it is decoded. MQTT 3.1.1 connections report
/// <see cref="Success"/> where 5.0 would carry a code.
/// </summary>
public enum MqttReasonCode : byte
{
    /// <summary>0x00: success, normal disconnection, or granted QoS 0.</summary>
    Success = 0x00,

    /// <summary>0x01: SUBACK, granted QoS 1.</summary>
    GrantedQualityOfService1 = 0x01,

    /// <summary>0x02: SUBACK, granted QoS 2.</summary>
    GrantedQualityOfService2 = 0x02,

    /// <summary>0x04: DISCONNECT, the client wants its will published.</summary>
    DisconnectWithWillMessage = 0x04,

    /// <summary>0x10: PUBACK/PUBREC, accepted but nobody is subscribed.</summary>
    NoMatchingSubscribers = 0x10,

    /// <summary>0x11: UNSUBACK, there was no such subscription.</summary>
    NoSubscriptionExisted = 0x11,

    /// <summary>0x18: AUTH, continue authentication.</summary>
    ContinueAuthentication = 0x18,

    /// <summary>0x19: AUTH, re-authenticate.</summary>
    ReAuthenticate = 0x19,

    /// <summary>0x80: unspecified error.</summary>
    UnspecifiedError = 0x80,

    /// <summary>0x81: malformed packet.</summary>
    MalformedPacket = 0x81,

    /// <summary>0x82: protocol error.</summary>
    ProtocolError = 0x82,

    /// <summary>0x83: implementation specific error.</summary>
    ImplementationSpecificError = 0x83,

    /// <summary>0x84: CONNACK, unsupported protocol version.</summary>
    UnsupportedProtocolVersion = 0x84,

    /// <summary>0x85: CONNACK, client identifier not valid.</summary>
    ClientIdentifierNotValid = 0x85,

    /// <summary>0x86: CONNACK, bad user name or password.</summary>
    BadUserNameOrPassword = 0x86,

    /// <summary>0x87: not authorized.</summary>
    NotAuthorized = 0x87,

    /// <summary>0x88: CONNACK, server unavailable.</summary>
    ServerUnavailable = 0x88,

    /// <summary>0x89: server busy.</summary>
    ServerBusy = 0x89,

    /// <summary>0x8A: CONNACK, banned.</summary>
    Banned = 0x8A,

    /// <summary>0x8B: DISCONNECT, server shutting down.</summary>
    ServerShuttingDown = 0x8B,

    /// <summary>0x8C: bad authentication method.</summary>
    BadAuthenticationMethod = 0x8C,

    /// <summary>0x8D: DISCONNECT, keep alive timeout.</summary>
    KeepAliveTimeout = 0x8D,

    /// <summary>0x8E: DISCONNECT, another connection took over the session.</summary>
    SessionTakenOver = 0x8E,

    /// <summary>0x8F: topic filter invalid.</summary>
    TopicFilterInvalid = 0x8F,

    /// <summary>0x90: topic name invalid.</summary>
    TopicNameInvalid = 0x90,

    /// <summary>0x91: packet identifier in use.</summary>
    PacketIdentifierInUse = 0x91,

    /// <summary>0x92: PUBREL/PUBCOMP, packet identifier not found.</summary>
    PacketIdentifierNotFound = 0x92,

    /// <summary>0x93: receive maximum exceeded.</summary>
    ReceiveMaximumExceeded = 0x93,

    /// <summary>0x94: topic alias invalid.</summary>
    TopicAliasInvalid = 0x94,

    /// <summary>0x95: packet too large.</summary>
    PacketTooLarge = 0x95,

    /// <summary>0x96: message rate too high.</summary>
    MessageRateTooHigh = 0x96,

    /// <summary>0x97: quota exceeded.</summary>
    QuotaExceeded = 0x97,

    /// <summary>0x98: administrative action.</summary>
    AdministrativeAction = 0x98,

    /// <summary>0x99: payload format invalid.</summary>
    PayloadFormatInvalid = 0x99,

    /// <summary>0x9A: retain not supported.</summary>
    RetainNotSupported = 0x9A,

    /// <summary>0x9B: QoS not supported.</summary>
    QualityOfServiceNotSupported = 0x9B,

    /// <summary>0x9C: use another server.</summary>
    UseAnotherServer = 0x9C,

    /// <summary>0x9D: server moved.</summary>
    ServerMoved = 0x9D,

    /// <summary>0x9E: shared subscriptions not supported.</summary>
    SharedSubscriptionsNotSupported = 0x9E,

    /// <summary>0x9F: connection rate exceeded.</summary>
    ConnectionRateExceeded = 0x9F,

    /// <summary>0xA0: maximum connect time.</summary>
    MaximumConnectTime = 0xA0,

    /// <summary>0xA1: subscription identifiers not supported.</summary>
    SubscriptionIdentifiersNotSupported = 0xA1,

    /// <summary>0xA2: wildcard subscriptions not supported.</summary>
    WildcardSubscriptionsNotSupported = 0xA2,
}
