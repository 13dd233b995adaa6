using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Broker;

/// <summary>
/// How the gateway reaches the ward's MQTT broker: section <c>Gateway:Mqtt</c>. Used by both of the gateway's
/// MQTT connections: frame ingestion and alarm delivery.
/// </summary>
public sealed class MqttOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Mqtt";

    /// <summary>The gateway's broker account in configs/mosquitto/mediot.acl.</summary>
    public const string DefaultUsername = "mediot-gateway";

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

    /// <summary>
    /// Broker user name of both connections. Default <c>mediot-gateway</c>, the account configs/mosquitto/mediot.acl gives the
    /// gateway's topics (read every device's frames; write its status and the alarm topics). Empty for none. With mutual TLS
    /// the broker takes the name from the certificate's CN instead.
    /// </summary>
    public string? Username { get; set; } = DefaultUsername;

    /// <summary>
    /// Broker password; empty for none. Prefer <see cref="PasswordFile"/>; if the password must come from the environment
    /// (<c>MEDIOT_Gateway__Mqtt__Password</c>), never put it in a committed file. Setting both is refused at start.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>
    /// A file holding the broker password: one line, owner-only (mode 0600 or 0400), such as
    /// <c>mediot-sim provision --service-account mediot-gateway</c> writes (<c>accounts/mediot-gateway.password</c>).
    /// Relative to the settings file's folder; empty (default) for none. Checked at start: it must exist, be owner-only and
    /// not be empty; read when the gateway connects. Either this or <see cref="Password"/>, not both.
    /// </summary>
    public string PasswordFile { get; set; } = string.Empty;

    /// <summary>
    /// First reconnect delay in milliseconds, 100–60000; doubled after each failed attempt up to
    /// <see cref="ReconnectMaximumDelayMilliseconds"/>, each wait jittered (the one backoff, MedIoT.Hosting). Also paces
    /// the first connection while the broker is not reachable yet. Default 500.
    /// </summary>
    [Range(100, 60_000)]
    public int ReconnectInitialDelayMilliseconds { get; set; } = 500;

    /// <summary>Longest reconnect delay in milliseconds, 100–300000. Default 10000.</summary>
    [Range(100, 300_000)]
    public int ReconnectMaximumDelayMilliseconds { get; set; } = 10_000;

    /// <summary>
    /// The MQTT version: <c>3.1.1</c> (default; every broker speaks it) or <c>5</c> (reason codes in the log,
    /// session expiry, the broker's receive maximum and maximum packet size honoured).
    /// </summary>
    [Required]
    [RegularExpression(@"^(3\.1\.1|5)$", ErrorMessage = "must be '3.1.1' or '5'.")]
    public string ProtocolVersion { get; set; } = "3.1.1";

    /// <summary>
    /// MQTT 5 only: how long, in seconds, the broker keeps the gateway's session (its subscription and the frames
    /// queued for it) while the gateway is away, 1–4294967295. Default 604800 (7 days): a gateway down longer than
    /// that loses the queued frames, so alert on it well before. With 3.1.1 the session never expires.
    /// </summary>
    [Range(1, uint.MaxValue)]
    public long SessionExpirySeconds { get; set; } = 604_800;

    /// <summary>TLS to the broker (section <c>Gateway:Mqtt:Tls</c>); off by default.</summary>
    public MqttTlsSettings Tls { get; set; } = new();

    /// <summary>The protocol version as the client's enum.</summary>
    internal MedIoT.Mqtt.MqttProtocolVersion ClientProtocolVersion =>
        ProtocolVersion == "5" ? MedIoT.Mqtt.MqttProtocolVersion.V500 : MedIoT.Mqtt.MqttProtocolVersion.V311;
}

/// <summary>
/// TLS to the broker: section <c>Gateway:Mqtt:Tls</c>. Relative paths are resolved against the gateway's
/// working directory. Private key files must be readable by their owner only.
/// </summary>
public sealed class MqttTlsSettings
{
    /// <summary>Whether the connection uses TLS (mosquitto's TLS listener, usually port 8883). Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM file with the certificate authorities the broker's certificate must chain to; empty uses the system's trust store.</summary>
    public string CaFile { get; set; } = string.Empty;

    /// <summary>PEM client certificate for mutual TLS (mosquitto's <c>require_certificate</c>); empty for none. Needs <see cref="ClientKeyFile"/>.</summary>
    public string ClientCertificateFile { get; set; } = string.Empty;

    /// <summary>PEM (PKCS#8 or traditional) private key of <see cref="ClientCertificateFile"/>, mode 0600.</summary>
    public string ClientKeyFile { get; set; } = string.Empty;

    /// <summary>The name the broker's certificate must carry and the SNI sent; empty means <c>Gateway:Mqtt:Host</c>.</summary>
    public string ServerName { get; set; } = string.Empty;

    /// <inheritdoc/>
    public override string ToString() =>
        $"Enabled={Enabled}, CaFile={CaFile}, ClientCertificateFile={ClientCertificateFile}, ClientKeyFile={ClientKeyFile}, ServerName={ServerName}";

    /// <summary>What is wrong with these settings; empty when TLS is off or everything is in place.</summary>
    internal IEnumerable<string> Problems()
    {
        if (!Enabled)
        {
            if (CaFile.Length > 0 || ClientCertificateFile.Length > 0 || ClientKeyFile.Length > 0)
            {
                yield return "Tls:CaFile, Tls:ClientCertificateFile or Tls:ClientKeyFile is set but Tls:Enabled is false; set Tls:Enabled to true or clear them.";
            }

            yield break;
        }

        if (CaFile.Length > 0 && !File.Exists(CaFile))
        {
            yield return $"Tls:CaFile names '{Path.GetFullPath(CaFile)}', which does not exist.";
        }

        if ((ClientCertificateFile.Length > 0) != (ClientKeyFile.Length > 0))
        {
            yield return "Tls:ClientCertificateFile and Tls:ClientKeyFile go together for mutual TLS; set both or neither.";
            yield break;
        }

        if (ClientCertificateFile.Length > 0 && !File.Exists(ClientCertificateFile))
        {
            yield return $"Tls:ClientCertificateFile names '{Path.GetFullPath(ClientCertificateFile)}', which does not exist.";
        }

        if (ClientKeyFile.Length > 0)
        {
            if (!File.Exists(ClientKeyFile))
            {
                yield return $"Tls:ClientKeyFile names '{Path.GetFullPath(ClientKeyFile)}', which does not exist.";
            }
            else if (!OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(ClientKeyFile) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                    | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0)
            {
                yield return $"Tls:ClientKeyFile '{Path.GetFullPath(ClientKeyFile)}' is readable by others; a private key must be owner-only (chmod 600).";
            }
        }
    }
}
