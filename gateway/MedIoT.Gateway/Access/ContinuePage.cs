using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace MedIoT.Gateway.Access;

/// <summary>A page that sends the browser on to <c>returnUrl</c> after an OpenID Connect sign-in (a same-site navigation, so the Strict cookie goes along).</summary>
internal static class ContinuePage
{
    public static Task WriteAsync(HttpContext context, string returnUrl)
    {
        var url = HtmlEncoder.Default.Encode(returnUrl);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'";
        return context.Response.WriteAsync(
            $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"refresh\" content=\"0;url={url}\">\n" +
            $"<title>Signed in - MedIoT ward station</title>\n<link rel=\"stylesheet\" href=\"/station/assets/station.css\">\n</head>\n" +
            $"<body class=\"sign-in\">\n<main>\n<p>Signed in. <a href=\"{url}\">Continue to the station</a>.</p>\n</main>\n</body>\n</html>\n",
            context.RequestAborted);
    }
}
