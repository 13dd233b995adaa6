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
    /// Where the HTTP surface listens, as <c>http://address:port</c>. Default <c>http://127.0.0.1:8080</c>: loopback
    /// only, so exposing it to the ward network is a deliberate choice (behind a TLS reverse proxy). Port 0 picks a
    /// free port (tests).
    /// </summary>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:8080");

    /// <summary>
    /// Whether <c>GET /metrics</c> (Prometheus text format, docs/metrics.md) is served on this surface. Default
    /// <see langword="true"/>: it carries counts only, like <c>/health</c>. <see langword="false"/> removes the route and
    /// the collection behind it.
    /// </summary>
    public bool MetricsEnabled { get; set; } = true;

    /// <summary>The largest request body accepted, in bytes; larger bodies get 413. Default 65,536.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaximumRequestBodyBytes { get; set; } = 64 * 1024;
}
