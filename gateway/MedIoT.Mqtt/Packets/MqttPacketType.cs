namespace MedIoT.Mqtt.Packets;

/// <summary>The control packet type in bits 7–4 of the first fixed-header byte (§2.2.1, table 2.1). 0 is reserved; 15 is reserved in MQTT 3.1.1 and AUTH in MQTT 5.0 (§3.15).</summary>
internal enum MqttPacketType : byte
{
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    PubRec = 5,
    PubRel = 6,
    PubComp = 7,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
    Auth = 15,
}
