namespace MedIoT.Mqtt;

/// <summary>The delivery guarantee of a message (OASIS MQTT 3.1.1 §4.3).</summary>
public enum MqttQualityOfService : byte
{
    /// <summary>QoS 0: fire and forget (§4.3.1). A message may be lost.</summary>
    AtMostOnce = 0,

    /// <summary>QoS 1: acknowledged with PUBACK and resent until acknowledged (§4.3.2). A message may arrive twice.</summary>
    AtLeastOnce = 1,

    /// <summary>QoS 2: a four-step handshake (PUBLISH, PUBREC, PUBREL, PUBCOMP, §4.3.3); the message arrives exactly once.</summary>
    ExactlyOnce = 2,
}
