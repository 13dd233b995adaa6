namespace MedIoT.Mqtt.Packets;

/// <summary>PINGREQ (§3.12): the client is alive; asks the broker to answer. It has no variable header or payload, so one instance serves all.</summary>
internal sealed class MqttPingReqPacket : MqttPacket
{
    public static readonly MqttPingReqPacket Instance = new();

    private MqttPingReqPacket()
    {
    }

    public override MqttPacketType Type => MqttPacketType.PingReq;
}
