namespace MedIoT.Alerts.News2;

/// <summary>
/// A bed's NEWS2 at one moment, computed from the latest fresh value of each parameter. A parameter with no
/// fresh value is missing and counts 0, so a partial score never overstates the risk (it is a lower bound of
/// the full score). <see cref="ToString"/> shows no patient value.
/// </summary>
public sealed class News2Assessment
{
    private readonly int?[] _scores;
    private readonly string?[] _sources;
    private readonly DateTimeOffset?[] _times;

    internal News2Assessment(int?[] scores, OxygenSaturationScale scale, string?[] sources, DateTimeOffset?[] times, string? scaleSetBy)
    {
        _scores = scores;
        _sources = sources;
        _times = times;
        Scale = scale;
        ScaleSetBy = scaleSetBy;
        var summary = News2Summary.Of(scores);
        var missing = new List<News2Parameter>();
        for (var index = 0; index < scores.Length; index++)
        {
            if (scores[index] is null)
            {
                missing.Add((News2Parameter)index);
            }
        }

        AggregateScore = summary.AggregateScore;
        HasSingleParameterScoreOfThree = summary.HasSingleParameterScoreOfThree;
        MissingParameters = missing;
        Band = summary.Band;
    }

    /// <summary>The sum of the fresh parameters' scores, 0–20.</summary>
    public int AggregateScore { get; }

    /// <summary>The RCP response band of <see cref="AggregateScore"/>.</summary>
    public News2ResponseBand Band { get; }

    /// <summary>Whether any one parameter scored 3.</summary>
    public bool HasSingleParameterScoreOfThree { get; }

    /// <summary>The SpO2 scale used.</summary>
    public OxygenSaturationScale Scale { get; }

    /// <summary>The clinician who set the SpO2 scale; null while it is the default scale 1.</summary>
    public string? ScaleSetBy { get; }

    /// <summary>Parameters without a fresh value (scored as 0).</summary>
    public IReadOnlyList<News2Parameter> MissingParameters { get; }

    /// <summary>Whether all seven parameters had a fresh value.</summary>
    public bool IsComplete => MissingParameters.Count == 0;

    /// <summary>The score of one parameter, 0–3; null when it has no fresh value.</summary>
    public int? ScoreOf(News2Parameter parameter) => _scores[(int)parameter];

    /// <summary>
    /// Who supplied the parameter's latest value, fresh or not: the device id for measured parameters, the staff
    /// id for consciousness and air or oxygen; null when none was ever received.
    /// </summary>
    public string? SourceOf(News2Parameter parameter) => _sources[(int)parameter];

    /// <summary>When the parameter's latest value was measured or observed; null when none was ever received.</summary>
    public DateTimeOffset? TimeOf(News2Parameter parameter) => _times[(int)parameter];

    /// <inheritdoc />
    public override string ToString() => $"NEWS2 assessment ({_scores.Length - MissingParameters.Count} of {_scores.Length} parameters fresh)";
}
