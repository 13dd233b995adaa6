namespace MedIoT.Mqtt.Internal;

/// <summary>What the server allows, from its CONNACK (MQTT 5.0 §3.2.2.3.4 Maximum QoS, §3.2.2.3.5 Retain Available). 3.1.1 allows everything.</summary>
internal sealed record MqttServerLimits(byte MaximumQualityOfService, bool RetainAvailable)
{
    public static readonly MqttServerLimits None = new(2, true);
}
