namespace MedIoT.Alerts.News2;

/// <summary>
/// What the NEWS2 alarm needs of a fresh assessment (<see cref="BedNews2.Step"/>): the aggregate, its band and how many
/// parameters were fresh. A value, so stepping the alarm for every reading allocates nothing; <see cref="News2Assessment"/>
/// keeps the full detail for those who show it.
/// </summary>
/// <param name="AggregateScore">The sum of the fresh parameters' scores, 0–20.</param>
/// <param name="Band">The RCP response band of <paramref name="AggregateScore"/>.</param>
/// <param name="FreshParameters">How many of the seven parameters had a fresh value.</param>
/// <param name="HasSingleParameterScoreOfThree">Whether any one parameter scored 3.</param>
internal readonly record struct News2Summary(int AggregateScore, News2ResponseBand Band, int FreshParameters, bool HasSingleParameterScoreOfThree)
{
    /// <summary>The summary of <paramref name="scores"/> (null: no fresh value, counted as 0).</summary>
    public static News2Summary Of(ReadOnlySpan<int?> scores)
    {
        var aggregate = 0;
        var anyThree = false;
        var fresh = 0;
        foreach (var parameterScore in scores)
        {
            if (parameterScore is { } score)
            {
                aggregate += score;
                anyThree |= score == 3;
                fresh++;
            }
        }

        return new News2Summary(aggregate, News2Scoring.ResponseBand(aggregate, anyThree), fresh, anyThree);
    }
}
