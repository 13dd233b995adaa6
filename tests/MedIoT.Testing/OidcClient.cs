namespace MedIoT.Testing;

/// <summary>
/// A client registered at the test <see cref="OidcProvider"/> (OpenID Connect Dynamic Client Registration 1.0 §2 metadata).
/// Every client must use PKCE (RFC 7636) for the authorization-code flow.
/// </summary>
/// <param name="ClientId">The <c>client_id</c>.</param>
/// <param name="ClientSecret">The <c>client_secret</c>; never printed by <see cref="ToString"/>.</param>
/// <param name="GrantTypes"><c>authorization_code</c>, <c>client_credentials</c>, <c>refresh_token</c>.</param>
/// <param name="RedirectUris">Where the provider may send an authorization code (exact match, §2 <c>redirect_uris</c>).</param>
/// <param name="PostLogoutRedirectUris">Where the provider may send the browser after RP-initiated logout.</param>
/// <param name="TokenEndpointAuthMethod">
/// <c>client_secret_basic</c> (RFC 6749 §2.3.1) or <c>client_secret_post</c> (what ASP.NET Core's OpenIdConnect handler sends).
/// </param>
/// <param name="StaffName">For <c>client_credentials</c> tokens: the <c>preferred_username</c> claim (a machine client's staff id).</param>
/// <param name="Roles">For <c>client_credentials</c> tokens: the <c>roles</c> claim.</param>
public sealed record OidcClient(
    string ClientId,
    string ClientSecret,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<Uri> RedirectUris,
    IReadOnlyList<Uri> PostLogoutRedirectUris,
    string TokenEndpointAuthMethod,
    string? StaffName,
    IReadOnlyList<string> Roles)
{
    /// <summary>
    /// A web application signing staff in with the authorization-code flow and PKCE, authenticating at the token endpoint
    /// with <c>client_secret_post</c> as ASP.NET Core's OpenIdConnect handler does.
    /// </summary>
    public static OidcClient WebApplication(string clientId, string clientSecret, IReadOnlyList<Uri> redirectUris, IReadOnlyList<Uri>? postLogoutRedirectUris = null) =>
        new(clientId, clientSecret, ["authorization_code"], redirectUris, postLogoutRedirectUris ?? [], "client_secret_post", null, []);

    /// <summary>A machine client getting its own access tokens with <c>client_credentials</c> (RFC 6749 §4.4), HTTP Basic authentication.</summary>
    public static OidcClient Machine(string clientId, string clientSecret, string staffName, IReadOnlyList<string> roles) =>
        new(clientId, clientSecret, ["client_credentials"], [], [], "client_secret_basic", staffName, roles);

    /// <summary>The client id only: a secret never reaches a log or a failure message.</summary>
    public override string ToString() => ClientId;
}
