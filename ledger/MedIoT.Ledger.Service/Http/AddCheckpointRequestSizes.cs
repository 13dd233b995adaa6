using System.Globalization;

namespace MedIoT.Ledger.Service.Http;

/// <summary>Tree sizes in query strings and tlog-witness size bodies: decimal, no sign, no leading zeroes.</summary>
internal static class AddCheckpointRequestSizes
{
    public static bool TryParse(ReadOnlySpan<char> text, out long size)
    {
        size = 0;
        return text.Length is > 0 and <= 19 && (text[0] != '0' || text.Length == 1) && !text.ContainsAnyExcept("0123456789")
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }
}
