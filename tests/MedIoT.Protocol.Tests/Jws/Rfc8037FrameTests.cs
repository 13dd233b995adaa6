using System.Text;
using MedIoT.Cryptography;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;

namespace MedIoT.Protocol.Tests.Jws;

/// <summary>RFC 8037 Appendix A's key and JWS through the device-frame decoder and encoder.</summary>
public sealed class Rfc8037FrameTests
{
    // A.1: the private key.
    private const string PrivateJwk =
        """{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""";

    // A.4: {"alg":"EdDSA"} over the payload "Example of Ed25519 signing".
    private const string Jws = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

    [Fact]
    public void A5_the_frame_decoder_refuses_the_RFC_token_only_because_its_header_lacks_kid()
    {
        // Our contract requires "kid"; with it absent the token is a MalformedHeader, not a crypto failure.
        Assert.False(JwsFrameDecoder.TryDecode(Encoding.ASCII.GetBytes(Jws), JwsFrameDecoder.DefaultMaxTokenBytes,
            out _, out var reason, out var detail));
        Assert.Equal(FrameRejectionReason.MalformedHeader, reason);
        Assert.Contains("kid", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_RFC_key_signs_a_frame_that_the_decoder_splits_and_verifies()
    {
        Assert.True(OkpJsonWebKey.TryParsePrivate(Encoding.UTF8.GetBytes(PrivateJwk), out var key, out _));
        using (key)
        {
            var frame = new DeviceFrame("rfc8037", 1, [new Observation(MdcCodes.OxygenSaturation, 98, "%", 0)]);
            var token = JwsFrameEncoder.Encode(frame, key!);

            Assert.True(JwsFrameDecoder.TryDecode(token, JwsFrameDecoder.DefaultMaxTokenBytes, out var jws, out _, out _));
            Assert.True(jws.VerifySignature(key!.PublicKey));
            Assert.Equal(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(token)[..token.AsSpan().LastIndexOf((byte)'.')]), jws.SigningInput.ToArray());
        }
    }
}
