using System.Text;
using MedIoT.Ledger.Anchoring;

namespace MedIoT.Ledger.Tests.Anchoring;

/// <summary>The add-checkpoint request body of C2SP tlog-witness, parsed strictly.</summary>
public sealed class AddCheckpointRequestTests
{
    // The example request body of C2SP tlog-witness, "add-checkpoint".
    private const string SpecExample =
        "old 20852014\n" +
        "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n" +
        "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n" +
        "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n" +
        "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n" +
        "\n" +
        Checkpoint;

    private const string Checkpoint =
        "example.com/behind-the-sofa\n" +
        "20852163\n" +
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n" +
        "\n" +
        "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n" +
        "\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";

    [Fact]
    public void The_spec_example_parses_and_formats_back_byte_for_byte()
    {
        Assert.True(AddCheckpointRequest.TryParse(Encoding.UTF8.GetBytes(SpecExample), out var request, out var error), error);
        Assert.Equal(20852014, request.OldSize);
        Assert.Equal(4, request.ConsistencyProof.Count);
        Assert.Equal(Convert.FromBase64String("PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw="), request.ConsistencyProof[0]);
        Assert.Equal(Checkpoint, request.SignedCheckpoint);
        Assert.Equal(SpecExample, request.Format());
    }

    [Fact]
    public void A_first_submission_has_old_zero_and_no_proof_lines()
    {
        var body = new AddCheckpointRequest(0, [], Checkpoint).Format();
        Assert.StartsWith("old 0\n\n", body, StringComparison.Ordinal);
        Assert.True(AddCheckpointRequest.TryParse(body, out var request, out _));
        Assert.Equal(0, request.OldSize);
        Assert.Empty(request.ConsistencyProof);
    }

    [Theory]
    [InlineData("old 020852014\n", "leading zero")]
    [InlineData("old -1\n", "sign")]
    [InlineData("old +5\n", "sign")]
    [InlineData("old 99999999999999999999\n", "beyond long")]
    [InlineData("Old 1\n", "keyword case")]
    [InlineData("old  1\n", "two spaces")]
    [InlineData("old 1 \n", "trailing space")]
    [InlineData("old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpka=\n", "non-canonical base64")]
    [InlineData("old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDp\n", "short hash")]
    [InlineData("old 1\n \n", "blank-looking proof line")]
    public void Malformed_heads_are_rejected_with_a_reason(string head, string because)
    {
        Assert.False(AddCheckpointRequest.TryParse(head + "\n" + Checkpoint, out _, out var error), because);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void More_than_63_proof_lines_no_empty_line_a_bad_note_bad_utf8_and_oversize_bodies_are_rejected()
    {
        var line = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n";
        Assert.True(AddCheckpointRequest.TryParse("old 1\n" + string.Concat(Enumerable.Repeat(line, 63)) + "\n" + Checkpoint, out _, out _));
        Assert.False(AddCheckpointRequest.TryParse("old 1\n" + string.Concat(Enumerable.Repeat(line, 64)) + "\n" + Checkpoint, out _, out _));
        Assert.False(AddCheckpointRequest.TryParse("old 1\n" + Checkpoint.Replace("\n\n", "\n", StringComparison.Ordinal), out _, out _));
        Assert.False(AddCheckpointRequest.TryParse("old 1\n\nexample.com/x\n1\n", out _, out _));
        Assert.False(AddCheckpointRequest.TryParse([0x6f, 0x6c, 0x64, 0x20, 0x31, 0x0a, 0x0a, 0xff], out _, out _));
        Assert.False(AddCheckpointRequest.TryParse(new byte[AddCheckpointRequest.MaxBodyBytes + 1], out _, out _));
        Assert.False(AddCheckpointRequest.TryParse((string?)null, out _, out _));
        Assert.False(AddCheckpointRequest.TryParse("", out _, out _));
    }

    [Fact]
    public void Random_bodies_never_throw()
    {
        var random = new Random(8);
        var seed = Encoding.UTF8.GetBytes(SpecExample);
        for (var i = 0; i < 5_000; i++)
        {
            var bytes = (byte[])seed.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var cut = bytes.AsSpan(0, random.Next(bytes.Length + 1));
            if (AddCheckpointRequest.TryParse(cut, out var request, out _))
            {
                Assert.Equal(Encoding.UTF8.GetString(cut), request.Format());
            }
        }
    }
}
