namespace MedIoT.Gateway.Storage.Influx;

/// <summary>The answer to one InfluxQL statement, or why there is none.</summary>
/// <param name="Outcome">Whether InfluxDB answered.</param>
/// <param name="Series">The series of the answer; empty unless <see cref="InfluxQueryOutcome.Answered"/>.</param>
/// <param name="Problem">Why there is no answer, for the log and the page (never a value from the database).</param>
internal sealed record InfluxQueryResult(InfluxQueryOutcome Outcome, IReadOnlyList<InfluxSeries> Series, string? Problem)
{
    public static InfluxQueryResult Answer(IReadOnlyList<InfluxSeries> series) => new(InfluxQueryOutcome.Answered, series, null);

    public static InfluxQueryResult Failure(InfluxQueryOutcome outcome, string problem) => new(outcome, [], problem);
}
