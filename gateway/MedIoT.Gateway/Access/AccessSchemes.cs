namespace MedIoT.Gateway.Access;

/// <summary>The authentication schemes of the gateway's HTTP surface and the names of its cookies (docs/accounts.md §5).</summary>
public static class AccessSchemes
{
    /// <summary>The default scheme: picks one of the others per request (bearer token or cookie).</summary>
    public const string Default = "mediot";

    /// <summary>The station's sign-in cookie.</summary>
    public const string Cookie = "station-cookie";

    /// <summary>Local API tokens of the accounts file.</summary>
    public const string LocalToken = "local-token";

    /// <summary>The hospital's OpenID Connect provider (people, in a browser).</summary>
    public const string OpenIdConnect = "hospital-oidc";

    /// <summary>The provider's JWT access tokens (machine clients).</summary>
    public const string Jwt = "hospital-jwt";

    /// <summary>The sign-in cookie's name: <c>__Host-</c> binds it to this host, path / and Secure (RFC 6265bis §4.1.3.2).</summary>
    public const string CookieName = "__Host-mediot-station";

    /// <summary>The anti-forgery cookie's name over https.</summary>
    public const string AntiforgeryCookieName = "__Host-mediot-antiforgery";

    /// <summary>The anti-forgery cookie's name over loopback http (not Secure there, so without the <c>__Host-</c> prefix).</summary>
    public const string LoopbackAntiforgeryCookieName = "mediot-antiforgery";

    /// <summary>The header a page's script sends the anti-forgery request token in.</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    /// <summary>The form field of the anti-forgery request token.</summary>
    public const string AntiforgeryField = "__RequestVerificationToken";
}
