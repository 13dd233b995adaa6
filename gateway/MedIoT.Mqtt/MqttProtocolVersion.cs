namespace MedIoT.Mqtt;

/// <summary>The protocol level sent in CONNECT (OASIS MQTT 3.1.1 §3.1.2.2; OASIS MQTT Version 5.0 §3.1.2.2).</summary>
public enum MqttProtocolVersion
{
    /// <summary>MQTT 3.1.1, protocol level 4.</summary>
    V311 = 4,

    /// <summary>MQTT 5.0, protocol level 5: reason codes, properties, session expiry, receive maximum, maximum packet size.</summary>
    V500 = 5,
}
