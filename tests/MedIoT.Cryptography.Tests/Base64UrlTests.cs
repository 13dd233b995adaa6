using System.Text;

namespace MedIoT.Cryptography.Tests;

public sealed class Base64UrlTests
{
    // RFC 4648 §10 test vectors, without padding (RFC 7515 §2).
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "Zg")]
    [InlineData("fo", "Zm8")]
    [InlineData("foo", "Zm9v")]
    [InlineData("foob", "Zm9vYg")]
    [InlineData("fooba", "Zm9vYmE")]
    [InlineData("foobar", "Zm9vYmFy")]
    public void Rfc4648_vectors_encode_and_decode(string plain, string encoded)
    {
        var bytes = Encoding.ASCII.GetBytes(plain);

        Assert.Equal(encoded, Base64Url.Encode(bytes));
        Assert.True(Base64Url.TryDecode(encoded, out var fromChars));
        Assert.Equal(bytes, fromChars);
        Assert.True(Base64Url.TryDecode(Encoding.ASCII.GetBytes(encoded), out var fromBytes));
        Assert.Equal(bytes, fromBytes);
    }

    [Fact]
    public void The_url_safe_alphabet_is_used()
    {
        // RFC 7515 Appendix C: bytes 3, 236, 255, 224, 193 encode to "A-z_4ME".
        Assert.Equal("A-z_4ME", Base64Url.Encode([3, 236, 255, 224, 193]));
        Assert.True(Base64Url.TryDecode("A-z_4ME", out var bytes));
        Assert.Equal([3, 236, 255, 224, 193], bytes);
    }

    [Theory]
    [InlineData("Zg==")] // padding
    [InlineData("Zg=")]
    [InlineData("Zm9v ")] // whitespace
    [InlineData(" Zm9v")]
    [InlineData("Zm\n9v")]
    [InlineData("A+z/4ME")] // standard alphabet
    [InlineData("Z")] // impossible length 4n+1
    [InlineData("Zm9vY")]
    [InlineData("Zh")] // non-zero unused bits (canonical is "Zg")
    [InlineData("Zm9")] // canonical is "Zm8"
    [InlineData("Zm9vYh")]
    [InlineData("Zm9\u00e9")] // non-ASCII
    public void Non_canonical_or_foreign_text_is_refused(string text)
    {
        Assert.False(Base64Url.TryDecode(text, out var fromChars));
        Assert.Empty(fromChars);
        Assert.False(Base64Url.TryDecode(Encoding.UTF8.GetBytes(text), out var fromBytes));
        Assert.Empty(fromBytes);
    }

    [Fact]
    public void Every_length_round_trips()
    {
        var random = new Random(7515);
        for (var length = 0; length < 200; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            var text = Base64Url.Encode(bytes);

            Assert.Equal(Base64Url.GetEncodedLength(length), text.Length);
            Assert.True(Base64Url.TryDecode(text, out var decoded));
            Assert.Equal(bytes, decoded);
        }
    }
}
