using System.Text;

namespace MedIoT.Mqtt.Internal;

/// <summary>Rules for the UTF-8 strings of MQTT (§1.5.3) and for topics (§4.7).</summary>
internal static class MqttStrings
{
    /// <summary>A UTF-8 string or binary field has a two-byte length prefix (§1.5.3).</summary>
    public const int MaximumEncodedLength = ushort.MaxValue;

    /// <summary>
    /// Counts the UTF-8 bytes of <paramref name="value"/>; <see langword="false"/> when it holds a lone
    /// surrogate (not encodable as well-formed UTF-8) or U+0000, both forbidden by §1.5.3.
    /// </summary>
    public static bool TryGetUtf8Length(string value, out int byteCount)
    {
        byteCount = 0;
        var remaining = value.AsSpan();
        while (!remaining.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(remaining, out var rune, out var consumed) != System.Buffers.OperationStatus.Done
                || rune.Value == 0)
            {
                return false;
            }

            byteCount += rune.Utf8SequenceLength;
            remaining = remaining[consumed..];
        }

        return true;
    }

    /// <summary>Whether <paramref name="utf8"/> is well-formed UTF-8 without U+0000 (§1.5.3).</summary>
    public static bool IsValidUtf8(ReadOnlySpan<byte> utf8) =>
        System.Text.Unicode.Utf8.IsValid(utf8) && !utf8.Contains((byte)0);

    /// <summary>A topic name (§4.7): at least one character, no wildcard (§3.3.2.1). Encoding rules are checked separately.</summary>
    public static bool IsValidTopicName(ReadOnlySpan<char> topic) =>
        !topic.IsEmpty && !topic.ContainsAny('+', '#');

    /// <summary>
    /// A topic filter (§4.7.1): at least one character; '#' only as the last level and alone in it
    /// (§4.7.1.2); '+' alone in its level (§4.7.1.3).
    /// </summary>
    public static bool IsValidTopicFilter(ReadOnlySpan<char> filter)
    {
        if (filter.IsEmpty)
        {
            return false;
        }

        var levelStart = 0;
        for (var index = 0; index <= filter.Length; index++)
        {
            if (index < filter.Length && filter[index] != '/')
            {
                continue;
            }

            var level = filter[levelStart..index];
            if (level.ContainsAny('+', '#'))
            {
                if (level.Length != 1)
                {
                    return false;
                }

                if (level[0] == '#' && index != filter.Length)
                {
                    return false;
                }
            }

            levelStart = index + 1;
        }

        return true;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="parameterName"/> unless <paramref name="value"/> is an encodable MQTT string.</summary>
    public static int RequireEncodable(string value, string parameterName, string what)
    {
        if (!TryGetUtf8Length(value, out var length))
        {
            throw new ArgumentException(
                $"The {what} contains U+0000 or a lone surrogate, which MQTT forbids in strings (§1.5.3). Remove those characters.",
                parameterName);
        }

        if (length > MaximumEncodedLength)
        {
            throw new ArgumentException(
                $"The {what} is {length} UTF-8 bytes long; MQTT allows at most {MaximumEncodedLength} (§1.5.3). Shorten it.",
                parameterName);
        }

        return length;
    }
}
