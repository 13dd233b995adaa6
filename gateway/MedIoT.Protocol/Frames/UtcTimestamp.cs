namespace MedIoT.Protocol.Frames;

/// <summary>
/// The frame time format: an RFC 3339 §5.6 "date-time" restricted to UTC with an upper-case "T" and "Z",
/// 0 to 9 fractional digits, years 1970 to 2262 and no leap second:
/// <c>YYYY-MM-DD"T"hh:mm:ss["." 1*9DIGIT]"Z"</c>. Times convert to and from nanoseconds since the Unix epoch
/// (POSIX time: every day has 86400 seconds), which must fit a signed 64-bit integer.
/// </summary>
internal static class UtcTimestamp
{
    /// <summary>The longest valid text: "2262-04-11T23:47:16.854775807Z".</summary>
    internal const int MaxLength = 30;

    private const long NanosecondsPerSecond = 1_000_000_000;
    private const long SecondsPerDay = 86_400;

    /// <summary>Parses the strict format above into Unix nanoseconds.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> text, out long unixNanoseconds)
    {
        unixNanoseconds = 0;

        // Fixed part: "YYYY-MM-DDThh:mm:ss" is 19 bytes, then an optional fraction, then "Z".
        if (text.Length < 20 || text.Length > MaxLength || text[^1] != 'Z')
        {
            return false;
        }

        if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) ||
            !TryDigits(text.Slice(8, 2), out var day) || !TryDigits(text.Slice(11, 2), out var hour) ||
            !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second))
        {
            return false;
        }

        long fraction = 0;
        var rest = text[19..^1];
        if (!rest.IsEmpty)
        {
            // RFC 3339 §5.6 time-secfrac = "." 1*DIGIT; we allow at most 9 digits (nanoseconds).
            if (rest[0] != '.' || rest.Length < 2 || rest.Length > 10 || !TryDigits(rest[1..], out var digits))
            {
                return false;
            }

            fraction = digits;
            for (var i = rest.Length - 1; i < 9; i++)
            {
                fraction *= 10;
            }
        }

        // RFC 3339 §5.7 ranges; second 60 (a leap second) is refused because POSIX time cannot represent it.
        if (year is < 1970 or > 2262 || month is < 1 or > 12 || day < 1 || day > DaysInMonth((int)year, (int)month) ||
            hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var seconds = (DaysFromCivil((int)year, (int)month, (int)day) * SecondsPerDay) + (hour * 3600) + (minute * 60) + second;

        // long.MaxValue nanoseconds is 2262-04-11T23:47:16.854775807Z; refuse anything later without overflowing.
        if (seconds > long.MaxValue / NanosecondsPerSecond ||
            (seconds == long.MaxValue / NanosecondsPerSecond && fraction > long.MaxValue % NanosecondsPerSecond))
        {
            return false;
        }

        unixNanoseconds = (seconds * NanosecondsPerSecond) + fraction;
        return true;
    }

    /// <summary>
    /// Formats Unix nanoseconds in the strict format with the fewest fractional digits that are exact:
    /// none for a whole second, otherwise 1 to 9 digits with trailing zeros removed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="unixNanoseconds"/> is negative.</exception>
    internal static string Format(long unixNanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unixNanoseconds);
        var seconds = unixNanoseconds / NanosecondsPerSecond;
        var fraction = unixNanoseconds % NanosecondsPerSecond;
        var days = seconds / SecondsPerDay;
        var secondOfDay = seconds % SecondsPerDay;
        var (year, month, day) = CivilFromDays(days);

        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{year:D4}-{month:D2}-{day:D2}T{secondOfDay / 3600:D2}:{secondOfDay / 60 % 60:D2}:{secondOfDay % 60:D2}");
        if (fraction == 0)
        {
            return text + "Z";
        }

        var digits = fraction.ToString("D9", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0');
        return text + "." + digits + "Z";
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        foreach (var character in text)
        {
            if (character is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (character - '0');
        }

        return !text.IsEmpty;
    }

    private static bool IsLeapYear(int year) => (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    private static int DaysInMonth(int year, int month) => month switch
    {
        2 => IsLeapYear(year) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    // Days since 1970-01-01 in the proleptic Gregorian calendar, counting from March so that
    // February's variable length falls at the end of the counting year (the usual civil-date method).
    private static long DaysFromCivil(int year, int month, int day)
    {
        var y = month <= 2 ? year - 1 : year;
        var era = y / 400; // y >= 1969 here, so no negative division
        var yearOfEra = y - (era * 400);
        var dayOfYear = ((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return ((long)era * 146097) + dayOfEra - 719468;
    }

    private static (long Year, long Month, long Day) CivilFromDays(long days)
    {
        days += 719468;
        var era = days / 146097;
        var dayOfEra = days - (era * 146097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36524) - (dayOfEra / 146096)) / 365;
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var monthIndex = ((5 * dayOfYear) + 2) / 153;
        var day = dayOfYear - (((153 * monthIndex) + 2) / 5) + 1;
        var month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
        var year = (yearOfEra + (era * 400)) + (month <= 2 ? 1 : 0);
        return (year, month, day);
    }
}
