namespace MedIoT.Mqtt;

/// <summary>
/// One SUBACK code: the granted QoS or a failure (MQTT 3.1.1 §3.9.3: 0, 1, 2, 0x80; MQTT 5.0 §3.9.3 adds the
/// failure reasons below, all 0x80 or above).
/// </summary>
public enum MqttSubscribeReturnCode : byte
{
    /// <summary>0x00: success, maximum QoS 0 granted.</summary>
    GrantedQualityOfService0 = 0,

    /// <summary>0x01: success, maximum QoS 1 granted.</summary>
    GrantedQualityOfService1 = 1,

    /// <summary>0x02: success, maximum QoS 2 granted.</summary>
    GrantedQualityOfService2 = 2,

    /// <summary>0x80: the broker refused the subscription (3.1.1 Failure; 5.0 Unspecified error).</summary>
    Failure = 0x80,

    /// <summary>0x83 (5.0): implementation specific error.</summary>
    ImplementationSpecificError = 0x83,

    /// <summary>0x87 (5.0): the client may not subscribe to this filter.</summary>
    NotAuthorized = 0x87,

    /// <summary>0x8F (5.0): the broker does not accept the filter.</summary>
    TopicFilterInvalid = 0x8F,

    /// <summary>0x91 (5.0): the packet identifier is in use.</summary>
    PacketIdentifierInUse = 0x91,

    /// <summary>0x97 (5.0): an implementation or administrative limit was exceeded.</summary>
    QuotaExceeded = 0x97,

    /// <summary>0x9E (5.0): the broker has no shared subscriptions.</summary>
    SharedSubscriptionsNotSupported = 0x9E,

    /// <summary>0xA1 (5.0): the broker has no subscription identifiers.</summary>
    SubscriptionIdentifiersNotSupported = 0xA1,

    /// <summary>0xA2 (5.0): the broker has no wildcard subscriptions.</summary>
    WildcardSubscriptionsNotSupported = 0xA2,
}
