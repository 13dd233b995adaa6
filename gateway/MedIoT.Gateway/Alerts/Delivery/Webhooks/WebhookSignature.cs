using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MedIoT.Gateway.Alerts.Delivery.Webhooks;

/// <summary>
/// The webhook signature (docs/alerts.md §6): HMAC-SHA256 (RFC 2104, FIPS 180-4) keyed with the webhook's secret
/// over the ASCII bytes of <c>{timestamp}.</c> followed by the exact request body. The timestamp (Unix seconds, header
/// <see cref="TimestampHeader"/>) is signed too, so a receiver that rejects old timestamps cannot be fed a replay.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header carrying the Unix time in seconds at which the request was signed.</summary>
    public const string TimestampHeader = "X-MedIoT-Timestamp";

    /// <summary>The header carrying <c>v1=</c> and the lower-case hex HMAC-SHA256.</summary>
    public const string SignatureHeader = "X-MedIoT-Signature";

    /// <summary>The signature header value for <paramref name="body"/> sent at <paramref name="unixSeconds"/>.</summary>
    public static string Compute(ReadOnlySpan<byte> secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, signed, mac);
        return "v1=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>Whether <paramref name="signatureHeader"/> is the signature of <paramref name="body"/> at <paramref name="unixSeconds"/> (constant-time comparison).</summary>
    public static bool Verify(ReadOnlySpan<byte> secret, long unixSeconds, ReadOnlySpan<byte> body, string? signatureHeader)
    {
        if (signatureHeader is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, unixSeconds, body));
        var actual = Encoding.ASCII.GetBytes(signatureHeader);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
