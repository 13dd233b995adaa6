using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace MedIoT.Gateway.Storage.Influx;

/// <summary>
/// Writes InfluxDB line protocol (InfluxDB 1.x "Line protocol syntax"):
/// <c>measurement,tag=value field=1.5,seq=42i timestamp</c>, UTF-8, one point per line, timestamps in
/// nanoseconds. Measurement names escape comma and space; tag keys, tag values and field keys escape
/// comma, equals sign and space; string field values escape double quote and backslash.
/// </summary>
internal static class LineProtocol
{
    // Every character some part of a line escapes or refuses. Names without any (nearly all) are written in one UTF-8
    // conversion instead of rune by rune: the InfluxDB writer writes about 40 names per frame.
    private static readonly SearchValues<char> s_special = SearchValues.Create(",= \n\r\"\\");

    /// <summary>Appends a measurement name.</summary>
    public static void WriteMeasurement(IBufferWriter<byte> output, string measurement) => WriteEscaped(output, measurement, escapeEquals: false);

    /// <summary>Appends <c>,key=value</c>. Empty tag values are not allowed by InfluxDB and are a programming error here.</summary>
    public static void WriteTag(IBufferWriter<byte> output, string key, string value)
    {
        if (value.Length == 0)
        {
            throw new ArgumentException($"Tag '{key}' has an empty value; line protocol cannot carry it.", nameof(value));
        }

        WriteAscii(output, ",");
        WriteEscaped(output, key, escapeEquals: true);
        WriteAscii(output, "=");
        WriteEscaped(output, value, escapeEquals: true);
    }

    /// <summary>Appends <c>,key=value</c> for an integer tag value (digits and a sign need no escaping).</summary>
    public static void WriteTag(IBufferWriter<byte> output, string key, int value)
    {
        WriteAscii(output, ",");
        WriteEscaped(output, key, escapeEquals: true);
        var span = output.GetSpan(12);
        span[0] = (byte)'=';
        Utf8Formatter.TryFormat(value, span[1..], out var written);
        output.Advance(written + 1);
    }

    /// <summary>Appends a float field (the first field is preceded by a space, later ones by a comma).</summary>
    public static void WriteFloatField(IBufferWriter<byte> output, string key, double value, bool first)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Line protocol cannot carry NaN or infinity.");
        }

        WriteFieldKey(output, key, first);
        var span = output.GetSpan(32);
        // "R" style shortest round-trip; Utf8Formatter may use an exponent, which InfluxDB parses (Go's ParseFloat).
        if (!Utf8Formatter.TryFormat(value, span, out var written))
        {
            throw new InvalidOperationException("A double did not fit in 32 bytes.");
        }

        output.Advance(written);
    }

    /// <summary>Appends an integer field (<c>42i</c>).</summary>
    public static void WriteIntegerField(IBufferWriter<byte> output, string key, long value, bool first)
    {
        WriteFieldKey(output, key, first);
        var span = output.GetSpan(21);
        Utf8Formatter.TryFormat(value, span, out var written);
        span[written++] = (byte)'i';
        output.Advance(written);
    }

    /// <summary>Appends a string field (<c>unit="%"</c>).</summary>
    public static void WriteStringField(IBufferWriter<byte> output, string key, string value, bool first)
    {
        WriteFieldKey(output, key, first);
        WriteAscii(output, "\"");
        if (!value.AsSpan().ContainsAny(s_special))
        {
            WriteUtf8(output, value);
            WriteAscii(output, "\"");
            return;
        }

        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value is '"' or '\\')
            {
                WriteAscii(output, "\\");
            }

            WriteRune(output, rune);
        }

        WriteAscii(output, "\"");
    }

    /// <summary>Appends the timestamp in nanoseconds and the end of the line.</summary>
    public static void WriteTimestampAndEndLine(IBufferWriter<byte> output, long unixNanoseconds)
    {
        var span = output.GetSpan(22);
        span[0] = (byte)' ';
        Utf8Formatter.TryFormat(unixNanoseconds, span[1..], out var written);
        span[written + 1] = (byte)'\n';
        output.Advance(written + 2);
    }

    private static void WriteFieldKey(IBufferWriter<byte> output, string key, bool first)
    {
        WriteAscii(output, first ? " " : ",");
        WriteEscaped(output, key, escapeEquals: true);
        WriteAscii(output, "=");
    }

    private static void WriteEscaped(IBufferWriter<byte> output, string text, bool escapeEquals)
    {
        if (!text.AsSpan().ContainsAny(s_special))
        {
            WriteUtf8(output, text);
            return;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is '\n' or '\r')
            {
                // Line protocol has no escape for line breaks; callers only pass validated names.
                throw new ArgumentException("Line protocol names cannot contain line breaks.", nameof(text));
            }

            if (rune.Value is ',' or ' ' || (escapeEquals && rune.Value == '='))
            {
                WriteAscii(output, "\\");
            }

            WriteRune(output, rune);
        }
    }

    private static void WriteUtf8(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void WriteRune(IBufferWriter<byte> output, Rune rune)
    {
        var span = output.GetSpan(4);
        output.Advance(rune.EncodeToUtf8(span));
    }

    private static void WriteAscii(IBufferWriter<byte> output, string ascii)
    {
        var span = output.GetSpan(ascii.Length);
        output.Advance(Encoding.ASCII.GetBytes(ascii, span));
    }
}
