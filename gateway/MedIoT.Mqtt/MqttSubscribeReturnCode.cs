namespace MedIoT.Mqtt;

/// <summary>One SUBACK return code (OASIS MQTT 3.1.1 §3.9.3): the granted QoS or a failure.</summary>
public enum MqttSubscribeReturnCode : byte
{
    /// <summary>0x00: success, maximum QoS 0 granted.</summary>
    GrantedQualityOfService0 = 0,

    /// <summary>0x01: success, maximum QoS 1 granted.</summary>
    GrantedQualityOfService1 = 1,

    /// <summary>0x02: success, maximum QoS 2 granted.</summary>
    GrantedQualityOfService2 = 2,

    /// <summary>0x80: the broker refused the subscription.</summary>
    Failure = 0x80,
}
