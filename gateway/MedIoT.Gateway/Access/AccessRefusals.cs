using MedIoT.Gateway.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace MedIoT.Gateway.Access;

/// <summary>
/// What a refused request gets (docs/accounts.md §5): a signed-out browser asking for a station page is redirected (302)
/// to <c>/station/sign-in?returnUrl=…</c>; every other signed-out request gets 401 and a signed-in one without the role
/// 403, each an RFC 9457 problem, counted.
/// </summary>
internal sealed class AccessRefusals(AccessStatistics statistics) : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            await next(context);
        }
        else if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true)
        {
            await ForbidAsync(context, statistics);
        }
        else
        {
            await ChallengeAsync(context);
        }
    }

    /// <summary>403 with a problem, counted: for a route that decides by the request which role it needs (the alarm API's channel).</summary>
    public static Task ForbidAsync(HttpContext context) => ForbidAsync(context, context.RequestServices.GetRequiredService<AccessStatistics>());

    private static Task ForbidAsync(HttpContext context, AccessStatistics statistics)
    {
        statistics.RecordForbidden();
        return HttpProblem.WriteAsync(context, StatusCodes.Status403Forbidden, "forbidden", "The signed-in identity does not hold a role this request needs.");
    }

    private Task ChallengeAsync(HttpContext context)
    {
        statistics.RecordUnauthenticated();
        if (IsStationPage(context.Request))
        {
            var returnUrl = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
            context.Response.Redirect(SignInEndpoints.SignInPath + QueryString.Create("returnUrl", returnUrl));
            return Task.CompletedTask;
        }

        // RFC 6750 §3: a 401 names the scheme the client can use.
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return HttpProblem.WriteAsync(context, StatusCodes.Status401Unauthorized, "sign-in-required",
            "Sign in first: a station session (/station/sign-in) or Authorization: Bearer with an API token.");
    }

    /// <summary>A page a person opens in a browser: GET or HEAD of /station or below, but not its JSON, events or assets.</summary>
    private static bool IsStationPage(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return false;
        }

        var path = request.Path;
        return (path == "/station" || path.StartsWithSegments("/station"))
            && !path.StartsWithSegments("/station/api") && !path.StartsWithSegments("/station/events") && !path.StartsWithSegments("/station/assets");
    }
}
