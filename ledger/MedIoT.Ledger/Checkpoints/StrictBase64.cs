namespace MedIoT.Ledger.Checkpoints;

/// <summary>
/// Standard padded base64 (RFC 4648 §4) accepted only in its canonical form: no whitespace, correct padding, zero
/// unused bits. <see cref="Convert.TryFromBase64String"/> alone skips whitespace and ignores unused bits, which would
/// let one signature or hash be spelled in several ways.
/// </summary>
internal static class StrictBase64
{
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 != 0)
        {
            return false;
        }

        foreach (var character in text)
        {
            if (!(char.IsAsciiLetterOrDigit(character) || character is '+' or '/' or '='))
            {
                return false;
            }
        }

        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            return false;
        }

        var decoded = buffer.AsSpan(0, written).ToArray();
        if (!string.Equals(Convert.ToBase64String(decoded), text, StringComparison.Ordinal))
        {
            return false;
        }

        bytes = decoded;
        return true;
    }
}
