using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace MedIoT.Cryptography;

/// <summary>
/// Ed25519 keys as OKP JSON Web Keys (RFC 8037 §2): <c>{"kty":"OKP","crv":"Ed25519","x":"..."}</c>, with the
/// base64url seed in "d" for a private key. Error texts name the problem, never key material.
/// </summary>
public static class OkpJsonWebKey
{
    private const int MaxJwkBytes = 4096;

    // The longest "x" or "d" member read: 43 characters encode 32 bytes; anything much longer is refused unread.
    private const int MaxKeyMemberBytes = 128;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 4,
    };

    /// <summary>The public JWK, members in the order kty, crv, x.</summary>
    public static string FormatPublic(Ed25519PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return $"{{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"{Base64Url.Encode(key.Bytes)}\"}}";
    }

    /// <summary>The private JWK, members in the order kty, crv, x, d. The returned string holds the secret seed.</summary>
    public static string FormatPrivate(Ed25519PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> seed = stackalloc byte[Ed25519PrivateKey.SeedLength];
        try
        {
            key.ExportSeed(seed);
            return $"{{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"{Base64Url.Encode(key.PublicKey.Bytes)}\",\"d\":\"{Base64Url.Encode(seed)}\"}}";
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>
    /// The RFC 7638 JWK thumbprint (SHA-256 over <c>{"crv":"Ed25519","kty":"OKP","x":"..."}</c>, members in
    /// lexicographic order, RFC 8037 §2), base64url encoded. Useful as a stable key identifier in logs.
    /// </summary>
    public static string ComputeThumbprint(Ed25519PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var canonical = Encoding.ASCII.GetBytes($"{{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"{Base64Url.Encode(key.Bytes)}\"}}");
        return Base64Url.Encode(SHA256.HashData(canonical));
    }

    /// <summary>
    /// Parses a public OKP Ed25519 JWK. "kty" must be "OKP", "crv" "Ed25519", "x" 32 bytes of strict base64url;
    /// "d" is refused (a public key store must never hold a private key); optional "alg" must be "EdDSA" and "use"
    /// "sig"; other members are ignored (RFC 7517 §4); duplicate members are refused.
    /// </summary>
    public static bool TryParsePublic(ReadOnlySpan<byte> utf8Json, out Ed25519PublicKey? key, out string? error)
    {
        key = null;
        if (!TryReadMembers(utf8Json, out var x, out var d, out error))
        {
            return false;
        }

        if (d is not null)
        {
            CryptographicOperations.ZeroMemory(d);
            error = "a public JWK must not contain the private member 'd'";
            return false;
        }

        if (!Ed25519PublicKey.TryCreate(x, out key))
        {
            error = "member 'x' is not 32 bytes";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Parses a private OKP Ed25519 JWK: the rules of <see cref="TryParsePublic"/> plus "d", a 32-byte seed, whose
    /// public key must equal "x" (RFC 8037 §2).
    /// </summary>
    public static bool TryParsePrivate(ReadOnlySpan<byte> utf8Json, out Ed25519PrivateKey? key, out string? error)
    {
        key = null;
        if (!TryReadMembers(utf8Json, out var x, out var d, out error))
        {
            return false;
        }

        try
        {
            if (d is null)
            {
                error = "member 'd' is missing (not a private key)";
                return false;
            }

            if (d.Length != Ed25519PrivateKey.SeedLength)
            {
                error = "member 'd' is not 32 bytes";
                return false;
            }

            if (x.Length != Ed25519PublicKey.Length)
            {
                error = "member 'x' is not 32 bytes";
                return false;
            }

            var candidate = Ed25519PrivateKey.FromSeed(d);
            if (!CryptographicOperations.FixedTimeEquals(candidate.PublicKey.Bytes, x))
            {
                candidate.Dispose();
                error = "member 'x' is not the public key of 'd'";
                return false;
            }

            key = candidate;
            return true;
        }
        finally
        {
            if (d is not null)
            {
                CryptographicOperations.ZeroMemory(d);
            }
        }
    }

    private static bool TryReadMembers(ReadOnlySpan<byte> utf8Json, out byte[] x, out byte[]? d, out string? error)
    {
        x = [];
        d = null;
        if (utf8Json.Length > MaxJwkBytes)
        {
            error = "JWK is longer than 4096 bytes";
            return false;
        }

        if (!Utf8.IsValid(utf8Json))
        {
            error = "JWK is not valid UTF-8";
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
            return TryReadObject(ref reader, out x, out d, out error);
        }
        catch (JsonException)
        {
            if (d is not null)
            {
                CryptographicOperations.ZeroMemory(d);
                d = null;
            }

            error = "JWK is not well-formed JSON";
            return false;
        }
    }

    private static bool TryReadObject(ref Utf8JsonReader reader, out byte[] x, out byte[]? d, out string? error)
    {
        x = [];
        d = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = "JWK is not a JSON object";
            return false;
        }

        bool hasKty = false, hasCrv = false, hasX = false, hasD = false, hasAlg = false, hasUse = false;
        Span<byte> buffer = stackalloc byte[MaxKeyMemberBytes];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // RFC 7517 §4: member names must be unique; a repeated member that we read is refused.
            if ((reader.ValueTextEquals("kty"u8) && hasKty) || (reader.ValueTextEquals("crv"u8) && hasCrv) ||
                (reader.ValueTextEquals("x"u8) && hasX) || (reader.ValueTextEquals("d"u8) && hasD) ||
                (reader.ValueTextEquals("alg"u8) && hasAlg) || (reader.ValueTextEquals("use"u8) && hasUse))
            {
                error = "JWK has a duplicate member";
                return false;
            }

            if (reader.ValueTextEquals("kty"u8))
            {
                hasKty = true;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("OKP"u8))
                {
                    error = "member 'kty' is not \"OKP\"";
                    return false;
                }
            }
            else if (reader.ValueTextEquals("crv"u8))
            {
                hasCrv = true;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("Ed25519"u8))
                {
                    error = "member 'crv' is not \"Ed25519\"";
                    return false;
                }
            }
            else if (reader.ValueTextEquals("x"u8))
            {
                hasX = true;
                reader.Read();
                if (!TryString(ref reader, buffer, out var length) || !Base64Url.TryDecode(buffer[..length], out x))
                {
                    error = "member 'x' is not base64url";
                    return false;
                }
            }
            else if (reader.ValueTextEquals("d"u8))
            {
                hasD = true;
                reader.Read();
                var ok = TryString(ref reader, buffer, out var length) && Base64Url.TryDecode(buffer[..length], out d);
                CryptographicOperations.ZeroMemory(buffer);
                if (!ok)
                {
                    error = "member 'd' is not base64url";
                    return false;
                }
            }
            else if (reader.ValueTextEquals("alg"u8))
            {
                hasAlg = true;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("EdDSA"u8))
                {
                    error = "member 'alg' is not \"EdDSA\"";
                    return false;
                }
            }
            else if (reader.ValueTextEquals("use"u8))
            {
                hasUse = true;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("sig"u8))
                {
                    error = "member 'use' is not \"sig\"";
                    return false;
                }
            }
            else
            {
                // RFC 7517 §4: members that are not understood are ignored.
                reader.Read();
                reader.Skip();
            }
        }

        // Anything after the object makes Read throw (caught as not well-formed); the check keeps that explicit.
        if (reader.Read())
        {
            error = "JWK has content after the object";
            return false;
        }

        if (!hasKty || !hasCrv || !hasX)
        {
            error = !hasKty ? "member 'kty' is missing" : !hasCrv ? "member 'crv' is missing" : "member 'x' is missing";
            return false;
        }

        error = null;
        return true;
    }

    // Copies the current string token, unescaped (RFC 8259 §7), into buffer; false when it is not a string, does not fit,
    // or holds an escaped lone surrogate. Unescaping never lengthens a value, so a raw value that fits always fits.
    private static bool TryString(ref Utf8JsonReader reader, scoped Span<byte> buffer, out int length)
    {
        length = 0;
        if (reader.TokenType != JsonTokenType.String || reader.HasValueSequence || reader.ValueSpan.Length > buffer.Length)
        {
            return false;
        }

        try
        {
            length = reader.CopyString(buffer);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
