using System.Buffers;
using System.Buffers.Text;

namespace MedIoT.Protocol.Serial;

/// <summary>
/// Reads the Masimo Radical-7 / Rad-8 serial output: one ASCII line per second, ended by CR LF, such as
/// <c>02/22/16 22:47:45 SN=0000056661 SPO2=098% BPM=097 PI=03.60% ... ALARM=0000 EXC=000800</c> (docs/serial.md).
/// The line starts with the device's date (MM/DD/YY) and time (HH:MM:SS), then space-separated <c>KEY=VALUE</c>
/// fields; SPO2, BPM, PI, ALARM and EXC are required, any other field (SN, SPCO, SPMET, DESAT, PIDELTA, PVI...) is
/// skipped. Dash-filled values are "no value". The device's clock is not used (it is set by hand and drifts).
/// </summary>
public sealed class MasimoLineReader
{
    /// <summary>The longest line accepted, in bytes; the public sample lines are about 140.</summary>
    public const int MaxLineBytes = 256;

    private readonly LineFramer _lines = new(MaxLineBytes);

    /// <summary>Rejections so far, per reason.</summary>
    public SerialRejectionCounts Rejections { get; } = new();

    /// <summary>
    /// Reads the next line from <paramref name="buffer"/> and consumes it. Returns <see langword="false"/> with
    /// <paramref name="rejection"/> set when bytes were skipped (counted; call again), or with
    /// <see cref="SerialRejectionReason.None"/> when more bytes are needed. Never throws for any input.
    /// </summary>
    public bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out MasimoReading reading, out SerialRejectionReason rejection)
    {
        reading = default;
        rejection = SerialRejectionReason.None;
        while (true)
        {
            if (!_lines.TryReadLine(ref buffer, out var line, out var overlong))
            {
                if (overlong)
                {
                    rejection = Rejections.Count(SerialRejectionReason.OverlongLine);
                }

                return false;
            }

            Span<byte> bytes = stackalloc byte[MaxLineBytes];
            line.CopyTo(bytes);
            var text = bytes[..(int)line.Length];
            if (text.Trim((byte)' ').IsEmpty)
            {
                continue;
            }

            if (text.IndexOfAnyExceptInRange((byte)' ', (byte)'~') >= 0)
            {
                rejection = Rejections.Count(SerialRejectionReason.Garbage);
                return false;
            }

            if (!TryParseLine(text, out reading))
            {
                rejection = Rejections.Count(SerialRejectionReason.MalformedLine);
                return false;
            }

            return true;
        }
    }

    /// <summary>Parses one line without its line end; <see langword="false"/> when it does not have the documented shape.</summary>
    public static bool TryParseLine(ReadOnlySpan<byte> line, out MasimoReading reading)
    {
        reading = default;
        int? saturation = null, pulse = null, alarm = null, exception = null;
        double? perfusion = null;
        bool seenSaturation = false, seenPulse = false, seenPerfusion = false;
        var fieldIndex = 0;
        foreach (var range in line.Split((byte)' '))
        {
            var field = line[range];
            if (field.IsEmpty)
            {
                continue; // Runs of spaces separate fields too.
            }

            switch (fieldIndex++)
            {
                case 0:
                    if (!HasShape(field, "NN/NN/NN"u8))
                    {
                        return false;
                    }

                    continue;
                case 1:
                    if (!HasShape(field, "NN:NN:NN"u8))
                    {
                        return false;
                    }

                    continue;
            }

            var equals = field.IndexOf((byte)'=');
            if (equals <= 0)
            {
                return false;
            }

            var key = field[..equals];
            var value = field[(equals + 1)..];
            if (key.SequenceEqual("SPO2"u8))
            {
                if (seenSaturation || !TryParsePercentInteger(value, 100, out saturation))
                {
                    return false;
                }

                seenSaturation = true;
            }
            else if (key.SequenceEqual("BPM"u8))
            {
                if (seenPulse || !TryParseInteger(value, 999, out pulse))
                {
                    return false;
                }

                seenPulse = true;
            }
            else if (key.SequenceEqual("PI"u8))
            {
                if (seenPerfusion || !TryParsePerfusion(value, out perfusion))
                {
                    return false;
                }

                seenPerfusion = true;
            }
            else if (key.SequenceEqual("ALARM"u8))
            {
                if (alarm is not null || !TryParseHex(value, out var bits))
                {
                    return false;
                }

                alarm = bits;
            }
            else if (key.SequenceEqual("EXC"u8))
            {
                if (exception is not null || !TryParseHex(value, out var bits))
                {
                    return false;
                }

                exception = bits;
            }
        }

        if (!seenSaturation || !seenPulse || !seenPerfusion || alarm is null || exception is null)
        {
            return false;
        }

        reading = new MasimoReading(saturation, pulse, perfusion, alarm.Value, exception.Value);
        return true;
    }

    // "N" stands for a digit; any other byte must match exactly.
    private static bool HasShape(ReadOnlySpan<byte> field, ReadOnlySpan<byte> shape)
    {
        if (field.Length != shape.Length)
        {
            return false;
        }

        for (var i = 0; i < field.Length; i++)
        {
            if (shape[i] == (byte)'N' ? !char.IsAsciiDigit((char)field[i]) : field[i] != shape[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDashFilled(ReadOnlySpan<byte> value) =>
        !value.IsEmpty && value.IndexOfAnyExcept((byte)'-', (byte)'.') < 0 && value.Contains((byte)'-');

    // "098%" or "---%".
    private static bool TryParsePercentInteger(ReadOnlySpan<byte> value, int maximum, out int? result)
    {
        result = null;
        return value.Length >= 2 && value[^1] == (byte)'%' && TryParseInteger(value[..^1], maximum, out result);
    }

    // "097" or "---": 1–3 digits.
    private static bool TryParseInteger(ReadOnlySpan<byte> value, int maximum, out int? result)
    {
        result = null;
        if (IsDashFilled(value))
        {
            return value.IndexOf((byte)'.') < 0;
        }

        if (value.Length is 0 or > 3 || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
            || !Utf8Parser.TryParse(value, out int number, out var consumed) || consumed != value.Length || number > maximum)
        {
            return false;
        }

        result = number;
        return true;
    }

    // "03.60%" or "--.--%": digits with at most one decimal point.
    private static bool TryParsePerfusion(ReadOnlySpan<byte> value, out double? result)
    {
        result = null;
        if (value.Length < 2 || value[^1] != (byte)'%')
        {
            return false;
        }

        var number = value[..^1];
        if (IsDashFilled(number))
        {
            return true;
        }

        if (number.Length > 6 || number.IndexOfAnyExcept("0123456789."u8) >= 0 || number.Count((byte)'.') > 1
            || number[0] == (byte)'.' || number[^1] == (byte)'.'
            || !Utf8Parser.TryParse(number, out double parsed, out var consumed) || consumed != number.Length)
        {
            return false;
        }

        result = parsed;
        return true;
    }

    // "0000" or "000800": 1–8 hexadecimal digits.
    private static bool TryParseHex(ReadOnlySpan<byte> value, out int result)
    {
        result = 0;
        if (value.Length is 0 or > 8 || value.IndexOfAnyExcept("0123456789ABCDEFabcdef"u8) >= 0)
        {
            return false;
        }

        if (!Utf8Parser.TryParse(value, out uint bits, out var consumed, 'X') || consumed != value.Length)
        {
            return false;
        }

        result = unchecked((int)bits);
        return true;
    }
}
