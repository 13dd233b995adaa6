using System.Text;

namespace MedIoT.Cryptography.Tests;

public sealed class OkpJsonWebKeyTests
{
    private const string X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    private const string D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";

    [Fact]
    public void A_generated_private_key_round_trips_through_its_JWK()
    {
        using var key = Ed25519PrivateKey.Generate();
        var jwk = OkpJsonWebKey.FormatPrivate(key);

        Assert.StartsWith("""{"kty":"OKP","crv":"Ed25519","x":""", jwk, StringComparison.Ordinal);
        Assert.True(OkpJsonWebKey.TryParsePrivate(Encoding.UTF8.GetBytes(jwk), out var parsed, out var error), error);
        using (parsed)
        {
            Assert.Equal(key.PublicKey, parsed!.PublicKey);
        }
    }

    [Theory]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"X","kid":"bed-1","alg":"EdDSA","use":"sig","key_ops":["verify"]}""")]
    [InlineData(""" { "x" : "X" , "crv" : "Ed25519" , "kty" : "OKP" } """)]
    public void Public_JWK_variants_that_RFC_7517_allows_are_accepted(string template)
    {
        Assert.True(OkpJsonWebKey.TryParsePublic(Encoding.UTF8.GetBytes(template.Replace("\"X\"", $"\"{X}\"", StringComparison.Ordinal)), out var key, out var error), error);
        Assert.Equal(X, Base64Url.Encode(key!.Bytes));
    }

    [Theory]
    [InlineData("""{"kty":"EC","crv":"Ed25519","x":"X"}""", "kty")]
    [InlineData("""{"kty":"OKP","crv":"X25519","x":"X"}""", "crv")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519"}""", "'x' is missing")]
    [InlineData("""{"crv":"Ed25519","x":"X"}""", "'kty' is missing")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"AAAA"}""", "32 bytes")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"X="}""", "base64url")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"X","x":"X"}""", "duplicate")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"X","alg":"ES256"}""", "alg")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"X","use":"enc"}""", "use")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"X","d":"DD"}""", "'d'")]
    [InlineData("""[]""", "object")]
    [InlineData("""{"kty":"OKP",""", "JSON")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"X"} {}""", "JSON")]
    public void Bad_public_JWKs_are_refused_with_a_reason(string template, string expectedInError)
    {
        var json = template.Replace("\"X\"", $"\"{X}\"", StringComparison.Ordinal).Replace("\"DD\"", $"\"{D}\"", StringComparison.Ordinal);

        Assert.False(OkpJsonWebKey.TryParsePublic(Encoding.UTF8.GetBytes(json), out var key, out var error));
        Assert.Null(key);
        Assert.Contains(expectedInError, error, StringComparison.Ordinal);
        Assert.DoesNotContain(X, error, StringComparison.Ordinal);
        Assert.DoesNotContain(D, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_JWK_whose_x_does_not_match_d_is_refused()
    {
        using var other = Ed25519PrivateKey.Generate();
        var json = $$"""{"kty":"OKP","crv":"Ed25519","x":"{{Base64Url.Encode(other.PublicKey.Bytes)}}","d":"{{D}}"}""";

        Assert.False(OkpJsonWebKey.TryParsePrivate(Encoding.UTF8.GetBytes(json), out var key, out var error));
        Assert.Null(key);
        Assert.Contains("not the public key of 'd'", error, StringComparison.Ordinal);
        Assert.DoesNotContain(D, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"X"}""", "'d' is missing")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"X","d":"AAAA"}""", "'d' is not 32 bytes")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"X","d":"DD","d":"DD"}""", "duplicate")]
    public void Bad_private_JWKs_are_refused(string template, string expectedInError)
    {
        var json = template.Replace("\"X\"", $"\"{X}\"", StringComparison.Ordinal).Replace("\"DD\"", $"\"{D}\"", StringComparison.Ordinal);

        Assert.False(OkpJsonWebKey.TryParsePrivate(Encoding.UTF8.GetBytes(json), out var key, out var error));
        Assert.Null(key);
        Assert.Contains(expectedInError, error, StringComparison.Ordinal);
    }
}
