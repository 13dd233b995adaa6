using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Http;

/// <summary>
/// The gateway's small HTTP surface (health, metrics, alarms, staff observations): section <c>Gateway:Http</c>.
/// </summary>
public sealed class HttpOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Http";

    /// <summary>Whether the HTTP surface runs at all. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where the HTTP surface listens, as <c>https://address:port</c> (with <see cref="CertificatePath"/> and
    /// <see cref="CertificateKeyPath"/>) or <c>http://address:port</c> on a loopback address only. Default
    /// <c>http://127.0.0.1:8080</c>. The station's sign-in cookie is Secure, which browsers honour over https and on
    /// loopback only, so a ward network is served over https. Port 0 picks a free port (tests).
    /// </summary>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:8080");

    /// <summary>
    /// Whether <c>GET /metrics</c> (Prometheus text format, docs/metrics.md) is served on this surface. Default
    /// <see langword="true"/>: it carries counts only, like <c>/health</c>. <see langword="false"/> removes the route and
    /// the collection behind it.
    /// </summary>
    public bool MetricsEnabled { get; set; } = true;

    /// <summary>
    /// The server's certificate chain for https, a PEM file (the certificate first, then intermediates), relative to the
    /// settings file's folder. Required with an https <see cref="Url"/>. Default empty.
    /// </summary>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>
    /// The certificate's private key, an unencrypted PEM file (PKCS#8, RSA or EC) of mode 0600, relative to the settings
    /// file's folder. Required with an https <see cref="Url"/>. Default empty.
    /// </summary>
    public string CertificateKeyPath { get; set; } = string.Empty;

    /// <summary>Whether the surface is served over https.</summary>
    public bool IsHttps => Url.Scheme == Uri.UriSchemeHttps;

    /// <summary>The largest request body accepted, in bytes; larger bodies get 413. Default 65,536.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaximumRequestBodyBytes { get; set; } = 64 * 1024;
}
