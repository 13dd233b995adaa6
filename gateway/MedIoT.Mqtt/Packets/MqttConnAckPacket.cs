namespace MedIoT.Mqtt.Packets;

/// <summary>CONNACK (§3.2): the broker's answer to CONNECT.</summary>
internal sealed class MqttConnAckPacket(bool sessionPresent, MqttConnectReturnCode returnCode) : MqttPacket
{
    public override MqttPacketType Type => MqttPacketType.ConnAck;

    /// <summary>Whether the broker resumed a stored session (§3.2.2.2).</summary>
    public bool SessionPresent { get; } = sessionPresent;

    /// <summary>The return code (§3.2.2.3).</summary>
    public MqttConnectReturnCode ReturnCode { get; } = returnCode;
}
