using System.Globalization;
using MedIoT.Alerts;
using MedIoT.Gateway.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Access;

/// <summary>
/// <c>/station/sign-in</c> (GET the form, POST it), <c>/station/sign-in/oidc</c> (off to the hospital's provider) and
/// <c>/station/sign-out</c> (docs/accounts.md §4). The form post is read strictly (form-urlencoded, only its four
/// fields, each once, small); failed attempts are rate-limited per account name and per client address, logged with
/// the name (when it is a staff id) and the address, never the password, and counted.
/// </summary>
internal sealed class SignInEndpoints(
    LocalAccounts accounts, SignInThrottle throttle, AccessStatistics statistics, SignedOutSessions signedOut, IOptions<AccessOptions> options,
    TimeProvider timeProvider, ILogger<SignInEndpoints> logger)
    : IGatewayEndpoints
{
    public const string SignInPath = "/station/sign-in";
    public const string OidcPath = "/station/sign-in/oidc";
    public const string CallbackPath = "/station/sign-in/callback";
    public const string SignOutPath = "/station/sign-out";

    /// <summary>Where a sign-in without a (safe) return address goes.</summary>
    public const string DefaultReturnUrl = "/station";

    /// <summary>The largest sign-in form body, in bytes.</summary>
    public const int MaximumFormBytes = 8 * 1024;

    private static readonly string[] s_fields = ["name", "password", "returnUrl", AccessSchemes.AntiforgeryField];

    // Unknown names are checked against this hash too, so a wrong name costs as long as a wrong password.
    private static readonly Lazy<PasswordHash> s_decoy = new(() => PasswordHash.Create("decoy-" + Guid.NewGuid().ToString("N")));

    private readonly OidcOptions _oidc = options.Value.Oidc;
    private readonly TimeSpan _cookieLifetime = TimeSpan.FromMinutes(options.Value.CookieLifetimeMinutes);

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SignInPath, ShowAsync);
        endpoints.MapPost(SignInPath, SignInAsync);
        endpoints.MapGet(OidcPath, ChallengeAsync);
        endpoints.MapPost(SignOutPath, SignOutAsync);
    }

    private Task ShowAsync(HttpContext context)
    {
        var returnUrl = SafeReturnUrl(context.Request.Query["returnUrl"]);
        return ShowFormAsync(context, StatusCodes.Status200OK, returnUrl, message: null);
    }

    private Task ShowFormAsync(HttpContext context, int status, string returnUrl, string? message, string? name = null)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return SignInPage.WriteAsync(context, status, tokens.RequestToken, returnUrl, message, _oidc.Enabled ? _oidc.ButtonText : null, name);
    }

    private async Task SignInAsync(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var form = await ReadFormAsync(context);
        if (form is null)
        {
            statistics.RecordSignIn(SignInOutcome.BadRequest);
            await ShowFormAsync(context, StatusCodes.Status400BadRequest, DefaultReturnUrl,
                "The sign-in form was not understood. Reload the page and try again.");
            return;
        }

        var returnUrl = SafeReturnUrl(form.TryGetValue("returnUrl", out var given) ? given.ToString() : null);
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (await AccessGuard.TryValidateAsync(antiforgery, context) is not null)
        {
            statistics.RecordSignIn(SignInOutcome.BadRequest);
            statistics.RecordAntiforgeryRefused();
            await ShowFormAsync(context, StatusCodes.Status400BadRequest, returnUrl, "The sign-in page had expired. Please sign in again.");
            return;
        }

        var name = form["name"].ToString();
        var password = form["password"].ToString();
        var validName = StaffId.TryCreate(name, out _);
        var account = validName ? name : "(not a staff id)";
        var addressKey = "address:" + address;
        var nameKey = "name:" + (validName ? name : string.Empty);
        var wait = validName ? throttle.RetryAfter(nameKey, addressKey) : throttle.RetryAfter(addressKey);
        if (wait > TimeSpan.Zero)
        {
            var seconds = (long)Math.Ceiling(wait.TotalSeconds);
            statistics.RecordRateLimited();
            Log.SignInRateLimited(logger, account, address, seconds);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await ShowFormAsync(context, StatusCodes.Status429TooManyRequests, returnUrl,
                $"Too many failed sign-ins. Try again in {(seconds + 59) / 60} minutes, or ask the ward's IT.", validName ? name : null);
            return;
        }

        var person = validName ? accounts.FindPerson(name) : null;
        bool matches;
        if (person is not null)
        {
            matches = person.Password.Matches(password);
        }
        else
        {
            _ = s_decoy.Value.Matches(password);
            matches = false;
        }

        if (!matches)
        {
            if (validName)
            {
                throttle.RecordFailure(nameKey, addressKey);
            }
            else
            {
                throttle.RecordFailure(addressKey);
            }

            statistics.RecordSignIn(SignInOutcome.BadCredentials);
            Log.SignInFailed(logger, account, address, "unknown name or wrong password");
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ShowFormAsync(context, StatusCodes.Status401Unauthorized, returnUrl, "The staff id or the password is not right.", validName ? name : null);
            return;
        }

        throttle.Forget(nameKey);
        await context.SignInAsync(AccessSchemes.Cookie, StaffPrincipal.Create(person!.Name, person.Roles, "local-password"));
        statistics.RecordSignIn(SignInOutcome.Succeeded);
        Log.SignedIn(logger, person.Name, "local password", address);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = returnUrl;
    }

    /// <summary>The form's fields, or null when the body is not a small form-urlencoded body of only our fields, each once.</summary>
    private static async Task<IFormCollection?> ReadFormAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.HasFormContentType || !request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || request.ContentLength > MaximumFormBytes)
        {
            return null;
        }

        try
        {
            var form = await request.ReadFormAsync(new FormOptions
            {
                ValueCountLimit = s_fields.Length,
                KeyLengthLimit = 64,
                ValueLengthLimit = 4096,
                BufferBody = true,
                MemoryBufferThreshold = MaximumFormBytes,
                BufferBodyLengthLimit = MaximumFormBytes,
            }, context.RequestAborted);
            var complete = form.Keys.All(key => s_fields.Contains(key, StringComparer.Ordinal))
                && form.All(field => field.Value.Count == 1)
                && form.ContainsKey("name") && form.ContainsKey("password");
            return complete ? form : null;
        }
        catch (Exception exception) when (exception is InvalidDataException or BadHttpRequestException or IOException)
        {
            return null;
        }
    }

    private Task ChallengeAsync(HttpContext context)
    {
        if (!_oidc.Enabled)
        {
            return HttpProblem.WriteAsync(context, StatusCodes.Status404NotFound, "oidc-not-configured", "This gateway has no OpenID Connect provider; sign in with a local account.");
        }

        var returnUrl = SafeReturnUrl(context.Request.Query["returnUrl"]);
        return context.ChallengeAsync(AccessSchemes.OpenIdConnect, new AuthenticationProperties { RedirectUri = returnUrl });
    }

    private async Task SignOutAsync(HttpContext context)
    {
        if (context.User.Identity is { IsAuthenticated: true, Name: { } staffId })
        {
            Log.SignedOut(logger, staffId);
        }

        // Ends the session at the gateway too: a copy of its cookie, valid at most one lifetime from now, is refused from now on.
        signedOut.End(context.User, timeProvider.GetUtcNow() + _cookieLifetime);
        await context.SignOutAsync(AccessSchemes.Cookie);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = SignInPath;
    }

    /// <summary>
    /// <paramref name="returnUrl"/> when it is a path on this gateway (one leading slash, no scheme or host, no backslash or
    /// control character), else <see cref="DefaultReturnUrl"/>: a sign-in never redirects to another site.
    /// </summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 and <= 2048 } && returnUrl[0] == '/' && (returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\'))
        && !returnUrl.Any(c => char.IsControl(c) || c == '\\')
            ? returnUrl
            : DefaultReturnUrl;
}
