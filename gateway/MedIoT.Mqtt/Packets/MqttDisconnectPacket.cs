namespace MedIoT.Mqtt.Packets;

/// <summary>DISCONNECT (§3.14): the client's last packet of a clean shutdown. It has no variable header or payload, so one instance serves all.</summary>
internal sealed class MqttDisconnectPacket : MqttPacket
{
    public static readonly MqttDisconnectPacket Instance = new();

    private MqttDisconnectPacket()
    {
    }

    public override MqttPacketType Type => MqttPacketType.Disconnect;
}
