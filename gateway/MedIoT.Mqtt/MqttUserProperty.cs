using MedIoT.Mqtt.Internal;

namespace MedIoT.Mqtt;

/// <summary>An MQTT 5.0 user property: a name and value pair of UTF-8 strings (OASIS MQTT Version 5.0 §3.3.2.3.7, §1.5.7). Names may repeat.</summary>
public sealed record MqttUserProperty
{
    /// <summary>Creates a user property.</summary>
    /// <exception cref="ArgumentException">The name or value is not an encodable MQTT string (§1.5.4).</exception>
    public MqttUserProperty(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        MqttStrings.RequireEncodable(name, nameof(name), $"user property name '{name}'");
        MqttStrings.RequireEncodable(value, nameof(value), $"value of user property '{name}'");
        Name = name;
        Value = value;
    }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The value.</summary>
    public string Value { get; }
}
