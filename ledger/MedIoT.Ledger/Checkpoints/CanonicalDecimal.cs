using System.Globalization;

namespace MedIoT.Ledger.Checkpoints;

/// <summary>
/// The one number encoding of the transparency-log formats: ASCII decimal with no sign and no leading zeroes (zero is
/// <c>0</c>), at most <see cref="long.MaxValue"/>. Tree sizes in C2SP tlog-checkpoint and tlog-witness (the <c>old</c>
/// line, the <c>text/x.tlog.size</c> body) and the indexes of proof bundles and ledger receipts all use it.
/// </summary>
public static class CanonicalDecimal
{
    /// <summary>Parses untrusted text strictly. Never throws.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        return text.Length is > 0 and <= 19
            && (text[0] != '0' || text.Length == 1)
            && !text.ContainsAnyExcept("0123456789")
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
