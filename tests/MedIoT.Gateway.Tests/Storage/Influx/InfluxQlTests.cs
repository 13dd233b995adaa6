using MedIoT.Alerts;
using MedIoT.Gateway.Storage.Influx;

namespace MedIoT.Gateway.Tests.Storage.Influx;

/// <summary>InfluxQL quoting and the trend windows: no value can end its literal or identifier.</summary>
public sealed class InfluxQlTests
{
    [Theory]
    [InlineData("7A", "'7A'")]
    [InlineData("it's", @"'it\'s'")]
    [InlineData(@"back\slash", @"'back\\slash'")]
    [InlineData("x' OR '1'='1", @"'x\' OR \'1\'=\'1'")]
    [InlineData("two\nlines", "'two lines'")]
    public void A_string_literal_escapes_its_quote_and_backslash(string text, string literal) => Assert.Equal(literal, InfluxQl.StringLiteral(text));

    [Theory]
    [InlineData("vitals", "\"vitals\"")]
    [InlineData("we\"ird", "\"we\\\"ird\"")]
    public void An_identifier_escapes_its_quote(string name, string identifier) => Assert.Equal(identifier, InfluxQl.Identifier(name));

    [Theory]
    [InlineData(1, null, 3600)]
    [InlineData(4, 30, 480)]
    [InlineData(12, 60, 720)]
    [InlineData(24, 120, 720)]
    public void Each_window_has_its_downsampling_interval_and_point_cap(int hours, int? intervalSeconds, int maximumPoints)
    {
        Assert.True(TrendWindow.TryGet(hours, out var window));
        Assert.Equal(intervalSeconds, window.Interval is { } interval ? (int)interval.TotalSeconds : null);
        Assert.Equal(maximumPoints, window.MaximumPoints);
        // No window sends more points than its cap: the interval covers the window in at most that many steps.
        Assert.True(window.Interval is null || TimeSpan.FromHours(hours) / window.Interval.Value <= maximumPoints);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(48)]
    [InlineData(-1)]
    public void Other_window_lengths_are_refused(int hours) => Assert.False(TrendWindow.TryGet(hours, out _));

    [Theory]
    [InlineData("""{"results":[{"statement_id":0,"error":"database not found: x"}]}""", InfluxQueryOutcome.Failed)]
    [InlineData("""{"error":"bad"}""", InfluxQueryOutcome.Failed)]
    [InlineData("""not json""", InfluxQueryOutcome.Failed)]
    [InlineData("""{"results":[{"statement_id":0,"series":[{"name":"vitals","columns":"time"}]}]}""", InfluxQueryOutcome.Failed)]
    [InlineData("""{"results":[{"statement_id":0,"series":[{"name":"databases","columns":["name"],"values":[["_internal"]]}]}]}""", InfluxQueryOutcome.NoQueryApi)]
    [InlineData("""{"results":[{"statement_id":0}]}""", InfluxQueryOutcome.Answered)]
    public void Answers_that_are_not_series_are_a_failure_never_an_exception(string body, InfluxQueryOutcome outcome)
    {
        var result = InfluxQueryClient.Parse(System.Text.Encoding.UTF8.GetBytes(body));

        Assert.Equal(outcome, result.Outcome);
        Assert.Empty(result.Series);
    }

    [Fact]
    public void The_downsampled_statement_groups_by_time_and_code_within_the_window()
    {
        Assert.True(BedLocation.TryCreate("7A", "02", out var bed));
        Assert.True(TrendWindow.TryGet(4, out var window));
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        var statement = VitalTrendReader.Statement("vitals", bed, window, now);

        Assert.Equal(
            "SELECT mean(\"value\") AS \"value\" FROM \"vitals\" WHERE \"ward\" = '7A' AND \"bed\" = '02' AND time > 1772352000000000000 AND time <= 1772366400000000000" +
            " GROUP BY time(30s), \"code\" fill(none) LIMIT 480",
            statement);
    }
}
