using System.Text;

namespace MedIoT.Cryptography.Tests;

/// <summary>RFC 8037 Appendix A, transcribed as data.</summary>
public sealed class Rfc8037Tests
{
    // A.1: the private key.
    private const string PrivateJwk =
        """{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""";

    // A.2: the public key.
    private const string PublicJwk = """{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""";

    // A.3: the JWK thumbprint (RFC 7638) of the public key.
    private const string Thumbprint = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

    // A.4: {"alg":"EdDSA"} over the payload "Example of Ed25519 signing".
    private const string ProtectedHeader = "eyJhbGciOiJFZERTQSJ9";
    private const string Payload = "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    private const string Signature = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    private const string Jws = ProtectedHeader + "." + Payload + "." + Signature;

    [Fact]
    public void A1_private_key_parses_and_its_x_matches_d()
    {
        Assert.True(OkpJsonWebKey.TryParsePrivate(Encoding.UTF8.GetBytes(PrivateJwk), out var key, out var error), error);
        using (key)
        {
            Assert.Equal("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", Base64Url.Encode(key!.PublicKey.Bytes));
            var seed = new byte[32];
            key.ExportSeed(seed);
            Assert.Equal("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A", Base64Url.Encode(seed));
        }
    }

    [Fact]
    public void A2_public_key_parses_and_formats_back_exactly()
    {
        Assert.True(OkpJsonWebKey.TryParsePublic(Encoding.UTF8.GetBytes(PublicJwk), out var key, out var error), error);
        Assert.Equal(PublicJwk, OkpJsonWebKey.FormatPublic(key!));
    }

    [Fact]
    public void A3_thumbprint_matches()
    {
        Assert.True(OkpJsonWebKey.TryParsePublic(Encoding.UTF8.GetBytes(PublicJwk), out var key, out _));
        Assert.Equal(Thumbprint, OkpJsonWebKey.ComputeThumbprint(key!));
    }

    [Fact]
    public void A4_signing_reproduces_the_published_JWS_byte_for_byte()
    {
        Assert.True(OkpJsonWebKey.TryParsePrivate(Encoding.UTF8.GetBytes(PrivateJwk), out var key, out _));
        using (key)
        {
            Assert.Equal(ProtectedHeader, Base64Url.Encode("""{"alg":"EdDSA"}"""u8));
            Assert.Equal(Payload, Base64Url.Encode("Example of Ed25519 signing"u8));

            var signingInput = Encoding.ASCII.GetBytes(ProtectedHeader + "." + Payload);
            var token = ProtectedHeader + "." + Payload + "." + Base64Url.Encode(key!.Sign(signingInput));

            Assert.Equal(Jws, token);
        }
    }

    [Fact]
    public void A5_the_published_JWS_verifies()
    {
        Assert.True(OkpJsonWebKey.TryParsePublic(Encoding.UTF8.GetBytes(PublicJwk), out var key, out _));
        var parts = Jws.Split('.');
        Assert.True(Base64Url.TryDecode(parts[2], out var signature));

        Assert.True(key!.Verify(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature));
        Assert.False(key.Verify(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1] + "x"), signature));
    }
}
