using MedIoT.Ledger.Checkpoints;

namespace MedIoT.Ledger.Tests.Checkpoints;

/// <summary>The size and index encoding shared by checkpoints, the witness protocol, bundles and receipts.</summary>
public sealed class CanonicalDecimalTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("7", 7L)]
    [InlineData("20852163", 20852163L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Canonical_decimals_parse(string text, long expected)
    {
        Assert.True(CanonicalDecimal.TryParse(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("07")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1\n")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("١٢")]
    [InlineData("9223372036854775808")]
    [InlineData("18446744073709551615")]
    public void Anything_else_is_refused(string text) => Assert.False(CanonicalDecimal.TryParse(text, out _));
}
