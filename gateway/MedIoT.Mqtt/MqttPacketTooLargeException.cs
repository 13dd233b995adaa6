namespace MedIoT.Mqtt;

/// <summary>
/// MQTT 5.0: a packet (usually a PUBLISH) is larger than the Maximum Packet Size the broker announced in CONNACK
/// (§3.2.2.3.6), so the client refused to send it (the broker would close the connection, §4.13). Nothing was
/// written; the message is not queued for a resend.
/// </summary>
public sealed class MqttPacketTooLargeException : ArgumentException
{
    /// <summary>Creates an exception for a <paramref name="packetType"/> of <paramref name="packetSize"/> bytes.</summary>
    public MqttPacketTooLargeException(string packetType, int packetSize, int maximumPacketSize)
        : base($"The MQTT {packetType} packet would be {packetSize} bytes; the broker accepts at most {maximumPacketSize} (MQTT 5.0 §3.2.2.3.6). Send a smaller payload.")
    {
        PacketSize = packetSize;
        MaximumPacketSize = maximumPacketSize;
    }

    /// <summary>The size the packet would have had, fixed header included.</summary>
    public int PacketSize { get; }

    /// <summary>The broker's maximum packet size.</summary>
    public int MaximumPacketSize { get; }
}
