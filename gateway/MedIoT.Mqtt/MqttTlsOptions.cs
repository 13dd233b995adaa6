using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace MedIoT.Mqtt;

/// <summary>
/// TLS for the connection to the broker (MQTT over TLS, §5.4, IANA port 8883), through <see cref="System.Net.Security.SslStream"/>.
/// Set <see cref="MqttClientOptions.Tls"/> to an instance to use it.
/// </summary>
public sealed class MqttTlsOptions
{
    /// <summary>
    /// The name the broker's certificate must carry (subject alternative name, DNS or IP), and the SNI name sent.
    /// <see langword="null"/> (default) means <see cref="MqttClientOptions.Host"/>.
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>
    /// The certificate authorities the broker's certificate must chain to (a private CA, as a ward's broker
    /// usually has). <see langword="null"/> or empty (default) uses the operating system's trust store.
    /// </summary>
    public X509Certificate2Collection? TrustedCertificateAuthorities { get; set; }

    /// <summary>
    /// The client certificate with its private key, for mutual TLS (mosquitto's <c>require_certificate</c>).
    /// <see langword="null"/> (default) for none.
    /// </summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>The TLS versions allowed. Default <see cref="SslProtocols.None"/>: the operating system's choice (TLS 1.2 and 1.3).</summary>
    public SslProtocols EnabledProtocols { get; set; } = SslProtocols.None;

    /// <summary>Whether the broker's certificate is checked against its CA's revocation list (online). Default <see langword="false"/>: wards often have no route to a CRL server.</summary>
    public bool CheckCertificateRevocation { get; set; }

    /// <summary>A copy, so later changes do not affect a running client.</summary>
    internal MqttTlsOptions Clone() => (MqttTlsOptions)MemberwiseClone();
}
