using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Access;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> (RFC 6750 §2.1) against the API tokens of the local accounts
/// file by their SHA-256 (docs/accounts.md §3). An unknown token fails authentication (then 401), counted and logged
/// once; the token itself is never logged.
/// </summary>
internal sealed class LocalTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder,
    LocalAccounts accounts, AccessStatistics statistics, AccessLogOnce logOnce)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>The longest token considered (ours are 43 characters; anything far longer is not one of ours).</summary>
    private const int MaximumTokenLength = 512;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!BearerToken.TryGet(Request, out var token))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (token.Length <= MaximumTokenLength && accounts.FindToken(token) is { } found)
        {
            var principal = StaffPrincipal.Create(found.Name, found.Roles, AccessSchemes.LocalToken);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
        }

        statistics.RecordTokenRefused();
        logOnce.TokenRefused("unknown local API token");
        return Task.FromResult(AuthenticateResult.Fail("Unknown API token."));
    }
}
