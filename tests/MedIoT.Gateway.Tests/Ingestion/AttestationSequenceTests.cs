using MedIoT.Gateway.Ingestion;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Ingestion;

public sealed class AttestationSequenceTests
{
    [Fact]
    public void Numbers_never_repeat_across_restarts_and_a_restart_skips_at_most_the_rest_of_a_block()
    {
        using var folder = TemporaryDirectory.Create("sequence");
        var path = folder.Combine("dev.seq");
        var first = new AttestationSequence(path);
        var issued = Enumerable.Range(0, 1500).Select(_ => first.Next()).ToList();
        Assert.Equal(Enumerable.Range(1, 1500).Select(i => (long)i), issued);

        var afterRestart = new AttestationSequence(path); // a crash right after number 1500
        var next = afterRestart.Next();
        Assert.Equal(2001, next);                         // the reservation ran to 2000
        Assert.DoesNotContain(next, issued);
    }

    [Fact]
    public void A_damaged_state_file_is_a_clear_error()
    {
        using var folder = TemporaryDirectory.Create("sequence");
        var path = folder.Combine("dev.seq");
        File.WriteAllText(path, "not a number");
        var exception = Assert.Throws<InvalidDataException>(() => new AttestationSequence(path));
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
    }
}
