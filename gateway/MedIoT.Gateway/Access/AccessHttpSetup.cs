using System.Security.Claims;
using MedIoT.Cryptography;
using MedIoT.Gateway.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Access;

/// <summary>
/// Sign-in for the gateway's HTTP server (docs/accounts.md): the cookie of the station, local API tokens, the hospital's
/// OpenID Connect provider and its JWT access tokens behind one default scheme that picks per request, the policies of
/// <see cref="AccessPolicies"/>, anti-forgery, and the data protection keys that keep cookies valid across restarts.
/// </summary>
internal sealed class AccessHttpSetup(
    IOptions<AccessOptions> options, IOptions<HttpOptions> http, LocalAccounts accounts, AccessStatistics statistics, AccessLogOnce logOnce,
    SignedOutSessions signedOut, TimeProvider timeProvider, ILogger<AccessHttpSetup> logger) : IGatewayHttpSetup
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly AccessOptions _options = options.Value;

    public void ConfigureServices(IServiceCollection services)
    {
        var oidc = _options.Oidc;
        Log.AccessConfigured(logger, accounts.People.Count, accounts.Tokens.Count, oidc.Enabled ? oidc.Authority : "off", oidc.AcceptsAccessTokens ? oidc.ApiAudience : "off");
        if (accounts.People.Count + accounts.Tokens.Count == 0 && !oidc.Enabled)
        {
            Log.AccessNobodyCanSignIn(logger);
        }

        services.AddSingleton(timeProvider);
        services.AddSingleton(accounts);
        services.AddSingleton(statistics);
        services.AddSingleton(logOnce);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessRefusals>();
        var keysFolder = KeysFolder(_options.KeysFolder);
        signedOut.Load(keysFolder.FullName);
        services.AddDataProtection()
            .SetApplicationName("mediot-gateway")
            .PersistKeysToFileSystem(keysFolder);
        services.AddAntiforgery(antiforgery =>
        {
            // Antiforgery refuses to serve a Secure cookie over http, which the gateway allows on loopback only (behind a TLS
            // proxy, or a test); there the cookie is not Secure and so cannot carry the __Host- prefix.
            var https = http.Value.IsHttps;
            antiforgery.Cookie.Name = https ? AccessSchemes.AntiforgeryCookieName : AccessSchemes.LoopbackAntiforgeryCookieName;
            antiforgery.Cookie.SecurePolicy = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.HeaderName = AccessSchemes.AntiforgeryHeader;
            antiforgery.FormFieldName = AccessSchemes.AntiforgeryField;
        });

        var authentication = services.AddAuthentication(AccessSchemes.Default)
            .AddPolicyScheme(AccessSchemes.Default, "Bearer token or station cookie", policy => policy.ForwardDefaultSelector = SelectScheme)
            .AddCookie(AccessSchemes.Cookie, ConfigureCookie)
            .AddScheme<AuthenticationSchemeOptions, LocalTokenHandler>(AccessSchemes.LocalToken, null);
        if (oidc.Enabled)
        {
            authentication.AddOpenIdConnect(AccessSchemes.OpenIdConnect, openIdConnect => ConfigureOpenIdConnect(openIdConnect, oidc));
        }

        if (oidc.AcceptsAccessTokens)
        {
            authentication.AddJwtBearer(AccessSchemes.Jwt, jwt => ConfigureJwt(jwt, oidc));
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.SeeWard, policy => policy.RequireRole(StaffRoles.Nurse, StaffRoles.Physician, StaffRoles.Viewer))
            .AddPolicy(AccessPolicies.ActOnWard, policy => policy.RequireRole(StaffRoles.Nurse, StaffRoles.Physician))
            .AddPolicy(AccessPolicies.SeeIt, policy => policy.RequireRole(StaffRoles.It));
    }

    public void ConfigurePipeline(WebApplication app)
    {
        var guard = new AccessGuard(statistics, logOnce);
        app.UseAuthentication();
        app.Use(guard.InvokeAsync);
        app.UseAuthorization();
    }

    /// <summary>A bearer token goes to the provider's JWT validation when it looks like a JWT and one is configured, else to the local tokens; no token means the cookie.</summary>
    private string SelectScheme(HttpContext context) =>
        !BearerToken.TryGet(context.Request, out var token) ? AccessSchemes.Cookie
        : _options.Oidc.AcceptsAccessTokens && BearerToken.LooksLikeJwt(token) ? AccessSchemes.Jwt
        : AccessSchemes.LocalToken;

    private void ConfigureCookie(CookieAuthenticationOptions cookie)
    {
        cookie.Cookie.Name = AccessSchemes.CookieName;
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        cookie.Cookie.SameSite = SameSiteMode.Strict;
        cookie.Cookie.Path = "/";
        cookie.ExpireTimeSpan = TimeSpan.FromMinutes(_options.CookieLifetimeMinutes);
        cookie.SlidingExpiration = true;
        cookie.LoginPath = SignInEndpoints.SignInPath;
        cookie.ReturnUrlParameter = "returnUrl";
        // Refusals are answered by AccessRefusals; should anything challenge the cookie directly, it gets a bare status, never a redirect elsewhere.
        // Each sign-in is a session of its own id; a session that signed out is refused even with a copy of its cookie.
        cookie.Events.OnSigningIn = context =>
        {
            ((ClaimsIdentity)context.Principal!.Identity!).AddClaim(new Claim(SignedOutSessions.ClaimType, SignedOutSessions.NewSessionId()));
            return Task.CompletedTask;
        };
        cookie.Events.OnValidatePrincipal = context =>
        {
            if (signedOut.HasEnded(context.Principal!))
            {
                context.RejectPrincipal();
            }

            return Task.CompletedTask;
        };
        cookie.Events.OnRedirectToLogin = context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
        cookie.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    }

    private void ConfigureOpenIdConnect(OpenIdConnectOptions openIdConnect, OidcOptions oidc)
    {
        openIdConnect.Authority = oidc.Authority;
        openIdConnect.ClientId = oidc.ClientId;
        if (oidc.ClientSecretFile.Length > 0)
        {
            openIdConnect.ClientSecret = SecretFile.Read(oidc.ClientSecretFile);
        }

        // Authorization-code flow with PKCE (OpenID Connect Core 1.0 §3.1, RFC 7636); the answer comes back as a query so
        // the Lax correlation cookies travel with the provider's top-level redirect.
        openIdConnect.ResponseType = "code";
        openIdConnect.ResponseMode = "query";
        openIdConnect.UsePkce = true;
        openIdConnect.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        openIdConnect.CallbackPath = SignInEndpoints.CallbackPath;
        openIdConnect.SignInScheme = AccessSchemes.Cookie;
        openIdConnect.MapInboundClaims = false;
        // The staff id and roles are read from the ID token (OpenID Connect Core 1.0 §2, §5.4); an access token the provider
        // issued for the gateway's API (RFC 8707 resource) is not one its userinfo endpoint accepts.
        openIdConnect.GetClaimsFromUserInfoEndpoint = oidc.ClaimsFromUserInfo;
        openIdConnect.SaveTokens = false;
        openIdConnect.Scope.Clear();
        foreach (var scope in oidc.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            openIdConnect.Scope.Add(scope);
        }

        openIdConnect.ClaimActions.MapJsonKey(oidc.RoleClaim, oidc.RoleClaim);
        openIdConnect.ClaimActions.MapUniqueJsonKey(oidc.StaffIdClaim, oidc.StaffIdClaim);
        openIdConnect.CorrelationCookie.SameSite = SameSiteMode.Lax;
        openIdConnect.CorrelationCookie.SecurePolicy = CookieSecurePolicy.Always;
        openIdConnect.NonceCookie.SameSite = SameSiteMode.Lax;
        openIdConnect.NonceCookie.SecurePolicy = CookieSecurePolicy.Always;
        openIdConnect.Events.OnTicketReceived = OnTicketReceivedAsync;
        openIdConnect.Events.OnRemoteFailure = OnRemoteFailureAsync;
    }

    /// <summary>
    /// The provider vouched for someone: map the staff id and the roles, or refuse with a page saying why. The cookie is
    /// set here and the browser continues through a page of ours, because a SameSite=Strict cookie set at the end of a
    /// redirect chain that began on the provider's site would not be sent on that chain's next hop.
    /// </summary>
    private async Task OnTicketReceivedAsync(TicketReceivedContext context)
    {
        var address = context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        context.HandleResponse();
        var returnUrl = SignInEndpoints.SafeReturnUrl(context.ReturnUri);
        string? reason = "no principal";
        if (context.Principal is null || !StaffPrincipal.TryMap(context.Principal, _options.Oidc, "hospital-oidc", out var principal, out reason))
        {
            statistics.RecordSignIn(SignInOutcome.NoRole);
            Log.SignInNoRole(logger, context.Principal?.FindFirst("sub")?.Value is { } sub && MedIoT.Alerts.StaffId.TryCreate(sub, out _) ? sub : "(unnamed)", reason);
            await SignInPage.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, null, returnUrl,
                "The hospital account signed in, but it holds no role on this ward station (or no valid staff id). Ask the ward's IT to grant one.", null);
            return;
        }

        await context.HttpContext.SignInAsync(AccessSchemes.Cookie, principal, new AuthenticationProperties());
        statistics.RecordSignIn(SignInOutcome.Succeeded);
        Log.SignedIn(logger, principal.Identity!.Name!, "hospital account", address);
        await ContinuePage.WriteAsync(context.HttpContext, returnUrl);
    }

    private async Task OnRemoteFailureAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        statistics.RecordSignIn(SignInOutcome.BadRequest);
        Log.OidcSignInFailed(logger, context.Failure?.GetType().Name ?? "unknown");
        await SignInPage.WriteAsync(context.HttpContext, StatusCodes.Status400BadRequest, null, SignInEndpoints.DefaultReturnUrl,
            "Signing in with the hospital account did not complete. Go back to the sign-in page and try again.", null);
    }

    private void ConfigureJwt(JwtBearerOptions jwt, OidcOptions oidc)
    {
        jwt.Authority = oidc.Authority;
        jwt.Audience = oidc.ApiAudience;
        jwt.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        jwt.MapInboundClaims = false;
        jwt.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.Principal is not null && StaffPrincipal.TryMap(context.Principal, oidc, AccessSchemes.Jwt, out var principal, out var reason))
                {
                    context.Principal = principal;
                    return Task.CompletedTask;
                }

                statistics.RecordTokenRefused();
                logOnce.TokenRefused("JWT access token without a valid staff id or a mapped role");
                context.Fail("No mapped role.");
                return Task.CompletedTask;
            },
            OnAuthenticationFailed = context =>
            {
                statistics.RecordTokenRefused();
                logOnce.TokenRefused("invalid JWT access token: " + context.Exception.GetType().Name);
                return Task.CompletedTask;
            },
            // AccessRefusals answers; the handler adds nothing of its own.
            OnChallenge = context =>
            {
                context.HandleResponse();
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>The keys folder, created owner-only; an existing one that group or others may enter is refused.</summary>
    private static DirectoryInfo KeysFolder(string path)
    {
        var folder = OperatingSystem.IsWindows() ? Directory.CreateDirectory(path) : Directory.CreateDirectory(path, OwnerOnlyFolder);
        if (!OperatingSystem.IsWindows() && (folder.UnixFileMode & ~OwnerOnlyFolder) != 0)
        {
            throw new InvalidOperationException(
                $"The sign-in keys folder '{folder.FullName}' (Gateway:Access:KeysFolder) may be read by group or others; restrict it with 'chmod 700 {folder.FullName}'.");
        }

        return folder;
    }
}
