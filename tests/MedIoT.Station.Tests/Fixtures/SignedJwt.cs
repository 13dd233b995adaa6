using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MedIoT.Station.Tests.Fixtures;

/// <summary>
/// A JWT (RFC 7519) whose RS256 signature (RFC 7518 §3.3) has been checked against a JWKS (RFC 7517): the tests' own
/// check of the provider's tokens, independent of the gateway's validation.
/// </summary>
internal sealed class SignedJwt
{
    private SignedJwt(JsonObject header, JsonObject payload)
    {
        Header = header;
        Payload = payload;
    }

    /// <summary>The JOSE header.</summary>
    public JsonObject Header { get; }

    /// <summary>The claims.</summary>
    public JsonObject Payload { get; }

    /// <summary>A string claim, or <see langword="null"/>.</summary>
    public string? Claim(string name) => Payload[name]?.GetValue<string>();

    /// <summary>An array-of-strings claim (empty when absent).</summary>
    public IReadOnlyList<string> Claims(string name) =>
        Payload[name] is JsonArray values ? [.. values.Select(value => value!.GetValue<string>())] : [];

    /// <summary>Fetches the JWKS and checks the token's signature with the key its <c>kid</c> names.</summary>
    /// <exception cref="InvalidOperationException">Malformed, not RS256, unknown key, or a signature that does not verify.</exception>
    public static async Task<SignedJwt> VerifyAsync(string token, Uri jwksUri)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var jwks = JsonNode.Parse(await http.GetStringAsync(jwksUri))!["keys"]!.AsArray();
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            throw new InvalidOperationException($"A JWS in compact serialisation has 3 parts (RFC 7515 §7.1), this one {parts.Length}.");
        }

        var header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!.AsObject();
        var payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        if (header["alg"]?.GetValue<string>() != "RS256")
        {
            throw new InvalidOperationException($"The token is signed with '{header["alg"]}', not RS256.");
        }

        var kid = header["kid"]?.GetValue<string>();
        var key = jwks.FirstOrDefault(candidate => candidate!["kid"]?.GetValue<string>() == kid)
            ?? throw new InvalidOperationException($"The JWKS has no key '{kid}'.");
        using var rsa = RSA.Create(new RSAParameters { Modulus = Base64Url.DecodeFromChars(key["n"]!.GetValue<string>()), Exponent = Base64Url.DecodeFromChars(key["e"]!.GetValue<string>()) });
        var signingInput = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        if (!rsa.VerifyData(signingInput, Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            throw new InvalidOperationException("The token's signature does not verify with the provider's key.");
        }

        return new SignedJwt(header, payload);
    }
}
