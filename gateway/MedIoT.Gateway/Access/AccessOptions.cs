using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Access;

/// <summary>
/// Who may sign in to the station and the alarm API, and how (docs/accounts.md, README "Sign-in"): section
/// <c>Gateway:Access</c>. With neither an accounts file nor an OpenID Connect provider nobody can sign in, and every
/// route but <c>/health</c>, <c>/metrics</c> and the station's assets answers 401.
/// </summary>
public sealed class AccessOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Access";

    /// <summary>
    /// The local accounts file (docs/accounts.md: people with salted password hashes, API tokens by their SHA-256),
    /// written by <c>mediot-gateway accounts</c>, mode 0600. Relative to the settings file's folder. Default empty: no
    /// local accounts.
    /// </summary>
    public string AccountsPath { get; set; } = string.Empty;

    /// <summary>
    /// The folder of the keys that protect the sign-in cookie and the anti-forgery tokens (ASP.NET Core data protection),
    /// so a signed-in station stays signed in across a restart. Created mode 0700; relative to the settings file's
    /// folder. Default <c>state/access-keys</c>.
    /// </summary>
    [Required]
    public string KeysFolder { get; set; } = "state/access-keys";

    /// <summary>How long a sign-in lasts without a request (sliding), in minutes, 5 to 10,080. Default 720 (12 h, a shift).</summary>
    [Range(5, 7 * 24 * 60)]
    public int CookieLifetimeMinutes { get; set; } = 12 * 60;

    /// <summary>Failed sign-ins per account name, and per client address, within <see cref="SignInFailureWindowSeconds"/> before further attempts get 429. Default 5.</summary>
    [Range(1, 1000)]
    public int SignInFailureLimit { get; set; } = 5;

    /// <summary>The window of <see cref="SignInFailureLimit"/>, in seconds, 60 to 86,400. Default 900 (15 minutes).</summary>
    [Range(60, 24 * 60 * 60)]
    public int SignInFailureWindowSeconds { get; set; } = 15 * 60;

    /// <summary>The hospital's OpenID Connect provider (off while <see cref="OidcOptions.Authority"/> is empty).</summary>
    public OidcOptions Oidc { get; set; } = new();
}
