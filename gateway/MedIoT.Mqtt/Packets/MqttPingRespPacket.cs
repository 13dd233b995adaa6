namespace MedIoT.Mqtt.Packets;

/// <summary>PINGRESP (§3.13): the broker's answer to PINGREQ. It has no variable header or payload, so one instance serves all.</summary>
internal sealed class MqttPingRespPacket : MqttPacket
{
    public static readonly MqttPingRespPacket Instance = new();

    private MqttPingRespPacket()
    {
    }

    public override MqttPacketType Type => MqttPacketType.PingResp;
}
