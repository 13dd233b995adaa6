using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Configuration;

/// <summary>How the gateway reaches the ward's MQTT broker: section <c>Gateway:Mqtt</c>.</summary>
public sealed class MqttOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Mqtt";

    /// <summary>Broker host name or address. Default <c>127.0.0.1</c>.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Broker TCP port, 1–65535. Default 1883.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>
    /// The MQTT client id (1–23 characters is what every broker accepts). Empty means
    /// <c>mediot-</c> followed by the gateway id. It must stay stable: the broker keeps the gateway's
    /// session, and the frames queued in it, under this id.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._-]{0,64}$")]
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Keep-alive interval in seconds, 5–600 (MQTT 3.1.1 §3.1.2.10). Default 30.</summary>
    [Range(5, 600)]
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>The topic filter the gateway subscribes to. Default <c>mediot/v1/devices/+/frames</c> (docs/device-protocol.md).</summary>
    [Required]
    public string FramesTopicFilter { get; set; } = "mediot/v1/devices/+/frames";

    /// <summary>Broker user name; empty for none.</summary>
    public string? Username { get; set; }

    /// <summary>Broker password; empty for none. Set it through the environment (<c>MEDIOT_Gateway__Mqtt__Password</c>), never in a committed file.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// First reconnect delay in milliseconds, 100–60000; doubled after each failed attempt up to
    /// <see cref="ReconnectMaximumDelayMilliseconds"/>, each wait randomised to 50–100 % of the delay. Also paces
    /// the first connection while the broker is not reachable yet. Default 500.
    /// </summary>
    [Range(100, 60_000)]
    public int ReconnectInitialDelayMilliseconds { get; set; } = 500;

    /// <summary>Longest reconnect delay in milliseconds, 100–300000. Default 10000.</summary>
    [Range(100, 300_000)]
    public int ReconnectMaximumDelayMilliseconds { get; set; } = 10_000;
}
