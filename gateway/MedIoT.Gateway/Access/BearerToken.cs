using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace MedIoT.Gateway.Access;

/// <summary>The token of an <c>Authorization: Bearer</c> header (RFC 6750 §2.1; the scheme name is case-insensitive, RFC 9110 §11.1).</summary>
internal static class BearerToken
{
    public static bool TryGet(HttpRequest request, [NotNullWhen(true)] out string? token)
    {
        token = null;
        var headers = request.Headers.Authorization;
        if (headers.Count != 1 || headers[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = value["Bearer ".Length..].Trim();
        return token.Length > 0;
    }

    /// <summary>Whether <paramref name="token"/> has the shape of a JWS compact serialisation (three parts, RFC 7515 §7.1).</summary>
    public static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2;
}
