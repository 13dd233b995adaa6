namespace MedIoT.Mqtt.Packets;

/// <summary>The control packet type in bits 7–4 of the first fixed-header byte (§2.2.1, table 2.1). 0 and 15 are reserved.</summary>
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
}
