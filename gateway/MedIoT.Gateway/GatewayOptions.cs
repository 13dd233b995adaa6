using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway;

/// <summary>
/// The gateway's own settings: section <c>Gateway</c> of <c>configs/gateway.json</c>, overridable by
/// environment variables such as <c>MEDIOT_Gateway__GatewayId</c>.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway";

    /// <summary>
    /// This gateway's name, unique in the hospital (1–64 of <c>A–Z a–z 0–9 . _ -</c>). It names the MQTT
    /// client id and will name the gateway's ledger origin. Default <c>gw-local</c>.
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string GatewayId { get; set; } = "gw-local";

    /// <summary>
    /// The device registry file (JSON; see <c>configs/devices.example.json</c>). A relative path is
    /// resolved against the folder of the settings file. Default <c>devices.json</c>.
    /// </summary>
    [Required]
    public string DeviceRegistryPath { get; set; } = "devices.json";
}
