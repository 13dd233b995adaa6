using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace MedIoT.Gateway.Http;

/// <summary>Writes an RFC 9457 problem details response (<c>application/problem+json</c>) with our <c>reason</c> member.</summary>
internal static class HttpProblem
{
    /// <summary>Writes the problem; <paramref name="reason"/> is a fixed word and <paramref name="detail"/> never echoes a request value.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string reason, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            // RFC 9457 §3.1: type, title, status, detail; "reason" is an extension member.
            writer.WriteStartObject();
            writer.WriteString("type", "about:blank");
            writer.WriteString("title", ReasonPhrases.GetReasonPhrase(status));
            writer.WriteNumber("status", status);
            writer.WriteString("detail", detail);
            writer.WriteString("reason", reason);
            writer.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(stream.GetBuffer().AsMemory(0, (int)stream.Length), context.RequestAborted);
    }
}
