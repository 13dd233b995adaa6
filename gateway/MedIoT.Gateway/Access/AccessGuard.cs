using MedIoT.Gateway.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace MedIoT.Gateway.Access;

/// <summary>
/// Middleware after authentication (docs/accounts.md §5): counts a sign-in cookie that did not authenticate, and refuses a
/// cookie-authenticated unsafe request (POST, PUT, PATCH, DELETE) without a valid anti-forgery token in the
/// <c>X-CSRF-TOKEN</c> header or the <c>__RequestVerificationToken</c> form field with 400 <c>antiforgery</c>. Bearer
/// requests carry no ambient credential and are exempt. The sign-in form validates its own token.
/// </summary>
internal sealed class AccessGuard(AccessStatistics statistics, AccessLogOnce logOnce)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var result = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult;
        var byCookie = result?.Ticket?.AuthenticationScheme == AccessSchemes.Cookie;
        if (!byCookie && context.Request.Cookies.ContainsKey(AccessSchemes.CookieName) && !BearerToken.TryGet(context.Request, out _))
        {
            statistics.RecordCookieRefused();
            logOnce.CookieRefused("not readable with this gateway's keys, or expired");
        }

        if (byCookie && IsUnsafe(context.Request.Method) && !context.Request.Path.StartsWithSegments(SignInEndpoints.SignInPath))
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (await TryValidateAsync(antiforgery, context) is { } reason)
            {
                statistics.RecordAntiforgeryRefused();
                logOnce.AntiforgeryRefused(context.Request.Method, context.Request.Path, reason);
                await HttpProblem.WriteAsync(context, StatusCodes.Status400BadRequest, "antiforgery",
                    $"A signed-in browser's request needs the page's anti-forgery token in the {AccessSchemes.AntiforgeryHeader} header or the {AccessSchemes.AntiforgeryField} form field.");
                return;
            }
        }

        await next(context);
    }

    /// <summary>Null when the request's anti-forgery token is valid, else why not (a fixed phrase, never the token).</summary>
    internal static async Task<string?> TryValidateAsync(IAntiforgery antiforgery, HttpContext context)
    {
        var hasHeader = context.Request.Headers.ContainsKey(AccessSchemes.AntiforgeryHeader);
        var hasForm = context.Request.HasFormContentType;
        if (!hasHeader && !hasForm)
        {
            return "missing";
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
            return null;
        }
        catch (AntiforgeryValidationException)
        {
            return hasHeader ? "invalid (header)" : "missing or invalid (form)";
        }
        catch (Exception exception) when (exception is InvalidDataException or BadHttpRequestException or IOException)
        {
            return "unreadable form";
        }
    }

    private static bool IsUnsafe(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
}
