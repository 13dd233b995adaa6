namespace MedIoT.Gateway.Access;

/// <summary>
/// The hospital's OpenID Connect provider, section <c>Gateway:Access:Oidc</c>: people sign in with the authorization-code
/// flow and PKCE (OpenID Connect Core 1.0 §3.1, RFC 7636), machine clients send its JWT access tokens (RFC 9068).
/// </summary>
public sealed class OidcOptions
{
    /// <summary>The provider's issuer URL (its discovery document is <c>{Authority}/.well-known/openid-configuration</c>). Default empty: OpenID Connect off.</summary>
    public string Authority { get; set; } = string.Empty;

    /// <summary>This gateway's client id at the provider.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>An owner-only (0600) file holding the client secret on one line; relative to the settings file's folder. Empty for a public client (PKCE only).</summary>
    public string ClientSecretFile { get; set; } = string.Empty;

    /// <summary>Whether the provider's metadata must be fetched over https. Default <see langword="true"/>; only a test provider on loopback turns it off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The claim whose values name the person's groups or roles at the hospital. Default <c>roles</c> (often <c>groups</c>).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>
    /// The station's role (nurse, physician, viewer, it) for each value of <see cref="RoleClaim"/>, such as
    /// <c>"ward-7a-nurses": "nurse"</c>. Values not listed give no role; a person with no role is refused.
    /// </summary>
    public Dictionary<string, string> RoleMap { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The claim that holds the staff id (1-64 of A-Z a-z 0-9 . _ @ -). Default <c>preferred_username</c>; <c>sub</c> when it is absent.</summary>
    public string StaffIdClaim { get; set; } = "preferred_username";

    /// <summary>The audience (<c>aud</c>) the provider's access tokens carry for this gateway's API. Empty: JWT access tokens are not accepted.</summary>
    public string ApiAudience { get; set; } = string.Empty;

    /// <summary>The scopes asked for, space-separated. Default <c>openid profile</c>; add the one that releases <see cref="RoleClaim"/> if the provider needs it.</summary>
    public string Scope { get; set; } = "openid profile";

    /// <summary>
    /// Whether the staff id and role claims are fetched from the provider's userinfo endpoint as well as read from the ID
    /// token. Default <see langword="false"/>: most providers put them in the ID token when the scope asks for them.
    /// </summary>
    public bool ClaimsFromUserInfo { get; set; }

    /// <summary>The button's label on the sign-in page. Default "Sign in with the hospital account".</summary>
    public string ButtonText { get; set; } = "Sign in with the hospital account";

    /// <summary>Whether people sign in through the provider.</summary>
    public bool Enabled => Authority.Length > 0;

    /// <summary>Whether JWT access tokens from the provider are accepted.</summary>
    public bool AcceptsAccessTokens => Enabled && ApiAudience.Length > 0;
}
