using System.Text;
using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol.Tests.Frames;

public sealed class UtcTimestampTests
{
    [Theory]
    [InlineData("1970-01-01T00:00:00Z", 0L)]
    [InlineData("1970-01-01T00:00:00.000000001Z", 1L)]
    [InlineData("2026-11-21T13:00:00.123Z", 1_795_266_000_123_000_000L)]
    [InlineData("2026-11-21T13:00:00.1Z", 1_795_266_000_100_000_000L)]
    [InlineData("2000-02-29T23:59:59.999999999Z", 951_868_799_999_999_999L)]
    [InlineData("2262-04-11T23:47:16.854775807Z", long.MaxValue)]
    public void Valid_times_parse_to_Unix_nanoseconds(string text, long expected)
    {
        Assert.True(UtcTimestamp.TryParse(Encoding.ASCII.GetBytes(text), out var nanoseconds));
        Assert.Equal(expected, nanoseconds);
    }

    [Theory]
    [InlineData("2026-11-21T13:00:00")] // no Z
    [InlineData("2026-11-21T13:00:00+00:00")] // offset instead of Z
    [InlineData("2026-11-21T14:00:00+01:00")]
    [InlineData("2026-11-21T13:00:00z")] // lower-case z
    [InlineData("2026-11-21t13:00:00Z")] // lower-case t
    [InlineData("2026-11-21 13:00:00Z")] // space
    [InlineData("2016-12-31T23:59:60Z")] // leap second
    [InlineData("2026-02-29T00:00:00Z")] // not a leap year
    [InlineData("1900-02-29T00:00:00Z")]
    [InlineData("2026-04-31T00:00:00Z")]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-00-01T00:00:00Z")]
    [InlineData("2026-01-00T00:00:00Z")]
    [InlineData("2026-01-01T24:00:00Z")]
    [InlineData("2026-01-01T00:60:00Z")]
    [InlineData("1969-12-31T23:59:59.999999999Z")] // before the epoch
    [InlineData("2263-01-01T00:00:00Z")]
    [InlineData("2262-04-11T23:47:16.854775808Z")] // one nanosecond past long.MaxValue
    [InlineData("2262-04-12T00:00:00Z")]
    [InlineData("2026-11-21T13:00:00.Z")] // empty fraction
    [InlineData("2026-11-21T13:00:00.1234567891Z")] // ten digits
    [InlineData("2026-11-21T13:00:00,1Z")]
    [InlineData("+2026-11-21T13:00:00Z")]
    [InlineData("26-11-21T13:00:00Z")]
    [InlineData("2026-1-21T13:00:00Z")]
    [InlineData("２026-11-21T13:00:00Z")]
    [InlineData("")]
    public void Anything_else_is_refused(string text)
    {
        Assert.False(UtcTimestamp.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }

    [Theory]
    [InlineData(0L, "1970-01-01T00:00:00Z")]
    [InlineData(1L, "1970-01-01T00:00:00.000000001Z")]
    [InlineData(1_795_266_000_123_000_000L, "2026-11-21T13:00:00.123Z")]
    [InlineData(1_795_266_000_000_000_000L, "2026-11-21T13:00:00Z")]
    [InlineData(long.MaxValue, "2262-04-11T23:47:16.854775807Z")]
    public void Formatting_uses_the_fewest_exact_fractional_digits(long nanoseconds, string expected)
    {
        Assert.Equal(expected, UtcTimestamp.Format(nanoseconds));
    }

    [Fact]
    public void Format_and_parse_agree_across_the_range()
    {
        var random = new Random(3339);
        for (var i = 0; i < 5000; i++)
        {
            var nanoseconds = random.NextInt64(0, long.MaxValue);
            if (i % 3 == 0)
            {
                nanoseconds -= nanoseconds % 1_000_000;
            }

            Assert.True(UtcTimestamp.TryParse(Encoding.ASCII.GetBytes(UtcTimestamp.Format(nanoseconds)), out var parsed));
            Assert.Equal(nanoseconds, parsed);
        }

        // Cross-check the calendar against .NET's for one instant per day-ish over the whole range.
        for (var seconds = 0L; seconds < 9_223_372_036L; seconds += 86_399L * 37)
        {
            var expected = DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, UtcTimestamp.Format(seconds * 1_000_000_000));
        }
    }
}
