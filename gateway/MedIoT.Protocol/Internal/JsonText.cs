using System.Text.Json;

namespace MedIoT.Protocol.Internal;

/// <summary>Small helpers for strict reading of short JSON strings with <see cref="Utf8JsonReader"/>.</summary>
internal static class JsonText
{
    /// <summary>The longest string value (after unescaping, in UTF-8 bytes) that any protocol member may hold.</summary>
    internal const int MaxShortStringBytes = 128;

    /// <summary>
    /// Copies the current string token, unescaped (RFC 8259 §7), into <paramref name="buffer"/>.
    /// <see langword="false"/> when it is longer than the buffer or holds an escape that is not valid Unicode.
    /// </summary>
    internal static bool TryCopyString(ref Utf8JsonReader reader, scoped Span<byte> buffer, out int length)
    {
        length = 0;
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (!reader.ValueIsEscaped)
        {
            var raw = reader.ValueSpan;
            if (raw.Length > buffer.Length)
            {
                return false;
            }

            raw.CopyTo(buffer);
            length = raw.Length;
            return true;
        }

        // Unescaping never makes a value longer, so a raw value that fits guarantees CopyString fits.
        if (reader.ValueSpan.Length > buffer.Length)
        {
            return false;
        }

        try
        {
            length = reader.CopyString(buffer);
            return true;
        }
        catch (InvalidOperationException)
        {
            // A "\uD800"-style escape of a lone surrogate cannot be transcoded to UTF-8.
            return false;
        }
    }

    /// <summary>
    /// Reads the current number token as a plain non-negative decimal integer (digits only: no sign, fraction or
    /// exponent) of at most <paramref name="maxDigits"/> digits (at most 18, so it cannot overflow a long).
    /// </summary>
    internal static bool TryGetPlainInteger(ref Utf8JsonReader reader, int maxDigits, out long value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number || reader.HasValueSequence)
        {
            return false;
        }

        var raw = reader.ValueSpan;
        if (raw.Length == 0 || raw.Length > maxDigits || maxDigits > 18)
        {
            return false;
        }

        foreach (var digit in raw)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (digit - '0');
        }

        return true;
    }
}
