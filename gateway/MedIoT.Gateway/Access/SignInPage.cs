using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace MedIoT.Gateway.Access;

/// <summary>
/// The sign-in page (docs/accounts.md §4): one small HTML form with labelled fields, the anti-forgery token, an error in
/// a live region, and the hospital provider's button when one is configured. No script; the station's stylesheet.
/// </summary>
internal static class SignInPage
{
    /// <summary>Writes the page with <paramref name="status"/>; <paramref name="message"/> is our own sentence (shown as an alert), never a request value.</summary>
    public static Task WriteAsync(HttpContext context, int status, string? requestToken, string returnUrl, string? message, string? oidcButton, string? name = null)
    {
        var html = HtmlEncoder.Default;
        var page = new StringBuilder(2048);
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Sign in - MedIoT ward station</title>\n<link rel=\"stylesheet\" href=\"/station/assets/station.css\">\n</head>\n<body class=\"sign-in\">\n<main>\n")
            .Append("<h1>MedIoT ward station</h1>\n");
        if (message is not null)
        {
            page.Append("<p class=\"sign-in-error\" role=\"alert\">").Append(html.Encode(message)).Append("</p>\n");
        }

        if (requestToken is not null)
        {
            page.Append("<form method=\"post\" action=\"").Append(SignInEndpoints.SignInPath).Append("\">\n")
                .Append("<input type=\"hidden\" name=\"").Append(AccessSchemes.AntiforgeryField).Append("\" value=\"").Append(html.Encode(requestToken)).Append("\">\n")
                .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(html.Encode(returnUrl)).Append("\">\n")
                .Append("<p><label for=\"name\">Staff id</label>\n<input id=\"name\" name=\"name\" autocomplete=\"username\" required maxlength=\"64\" value=\"")
                .Append(html.Encode(name ?? string.Empty)).Append("\"></p>\n")
                .Append("<p><label for=\"password\">Password</label>\n<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"1024\"></p>\n")
                .Append("<p><button type=\"submit\">Sign in</button></p>\n</form>\n");
        }

        if (oidcButton is not null)
        {
            page.Append("<p><a class=\"button\" href=\"").Append(SignInEndpoints.OidcPath).Append(html.Encode(QueryString.Create("returnUrl", returnUrl).ToString()))
                .Append("\">").Append(html.Encode(oidcButton)).Append("</a></p>\n");
        }

        page.Append("</main>\n</body>\n</html>\n");
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        // Never cached: the page holds a per-session anti-forgery token. No framing (clickjacking), no script.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return context.Response.WriteAsync(page.ToString(), context.RequestAborted);
    }
}
