using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Identity;

/// <summary>The gateway's own signing identity: section <c>Gateway:Identity</c> (docs/serial.md, "Attestation").</summary>
public sealed class IdentityOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Identity";

    /// <summary>
    /// The gateway's Ed25519 private key, a private OKP JWK (RFC 8037) with mode 0600 in a folder with mode 0700. A
    /// relative path is resolved against the folder of the settings file. Created on first use when missing. Default
    /// <c>identity/gateway-key.jwk</c>.
    /// </summary>
    [Required]
    public string KeyFile { get; set; } = "identity/gateway-key.jwk";

    /// <summary>
    /// The gateway's key name, as its signed checkpoints will carry it (C2SP signed-note: no spaces, no '+'); 1–128 of
    /// <c>A–Z a–z 0–9 . _ - /</c>. Default <c>mediot.example/ward/gw-local</c>.
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._/-]{1,128}$")]
    public string Name { get; set; } = "mediot.example/ward/gw-local";
}
