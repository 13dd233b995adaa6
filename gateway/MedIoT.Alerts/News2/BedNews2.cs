using MedIoT.Alerts.Rules;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.News2;

/// <summary>
/// One bed's NEWS2 inputs (the latest value of each parameter, with its time and who or what supplied it) and
/// the state of its NEWS2 alarm (the band it stands at and the pending rise or fall).
/// </summary>
internal sealed class BedNews2
{
    private const int ParameterCount = 7;

    // The parameters devices measure (consciousness and air or oxygen come from staff).
    private static readonly News2Parameter[] s_measured =
    [
        News2Parameter.RespirationRate, News2Parameter.OxygenSaturation, News2Parameter.SystolicBloodPressure,
        News2Parameter.Pulse, News2Parameter.Temperature,
    ];

    private readonly double[] _values = new double[ParameterCount];
    private readonly DateTimeOffset?[] _times = new DateTimeOffset?[ParameterCount];
    private readonly int?[] _lastFreshScores = new int?[ParameterCount];
    private readonly string?[] _sources = new string?[ParameterCount];
    private Consciousness _consciousness;
    private bool _onOxygen;
    private DateTimeOffset? _upwardSince;
    private DateTimeOffset? _downwardSince;

    // The band of a NEWS2 alarm restored after a restart, whose values were not kept: it holds the alarm up until the
    // device-measured parameters have all been fresh again (evidence), like the stale scores it stands for would.
    private AlarmPriority? _restoredFloor;

    public OxygenSaturationScale Scale { get; private set; } = OxygenSaturationScale.Scale1;

    /// <summary>Who set the SpO2 scale; null while it is the default scale 1.</summary>
    public string? ScaleSetBy { get; private set; }

    /// <summary>The priority the NEWS2 condition currently calls for (after persistence and clear delay); null: no alarm.</summary>
    public AlarmPriority? Applied { get; private set; }

    /// <summary>The NEWS2 parameter a device code feeds, if any.</summary>
    public static News2Parameter? ParameterOf(int mdcCode) => mdcCode switch
    {
        MdcCodes.RespirationRate => News2Parameter.RespirationRate,
        MdcCodes.OxygenSaturation => News2Parameter.OxygenSaturation,
        MdcCodes.NoninvasiveSystolic => News2Parameter.SystolicBloodPressure,
        MdcCodes.PulseRateOximeter or MdcCodes.HeartRateEcg => News2Parameter.Pulse,
        MdcCodes.BodyTemperature => News2Parameter.Temperature,
        _ => null,
    };

    /// <summary>
    /// Starts the bed's NEWS2 alarm at <paramref name="applied"/>, as an alarm restored after a restart: the band stands,
    /// and may only fall once respiration rate, SpO2, systolic pressure, pulse and temperature have each been fresh again
    /// (the values behind the band were not kept). A higher band still rises as usual.
    /// </summary>
    public void Restore(AlarmPriority applied)
    {
        Applied = applied;
        _restoredFloor = applied;
    }

    /// <summary>Keeps a measured value when it is at least as recent as the one held; <paramref name="source"/> is the device id.</summary>
    public void Record(News2Parameter parameter, double value, DateTimeOffset at, string source)
    {
        if (Newer(parameter, at, source))
        {
            _values[(int)parameter] = value;
        }
    }

    /// <summary>Keeps a consciousness level recorded by <paramref name="staffId"/> when it is at least as recent as the one held.</summary>
    public void RecordConsciousness(Consciousness level, DateTimeOffset at, StaffId staffId)
    {
        if (Newer(News2Parameter.Consciousness, at, staffId.ToString()))
        {
            _consciousness = level;
        }
    }

    /// <summary>Keeps an air-or-oxygen record by <paramref name="staffId"/> when it is at least as recent as the one held.</summary>
    public void RecordOxygen(bool onOxygen, DateTimeOffset at, StaffId staffId)
    {
        if (Newer(News2Parameter.AirOrOxygen, at, staffId.ToString()))
        {
            _onOxygen = onOxygen;
        }
    }

    public void SetScale(OxygenSaturationScale scale, StaffId staffId)
    {
        Scale = scale;
        ScaleSetBy = staffId.ToString();
    }

    private bool Newer(News2Parameter parameter, DateTimeOffset at, string source)
    {
        var index = (int)parameter;
        if (_times[index] is { } held && at < held)
        {
            return false;
        }

        _times[index] = at;
        _sources[index] = source;
        return true;
    }

    /// <summary>The assessment from fresh values only.</summary>
    public News2Assessment Assess(DateTimeOffset now, News2Rules rules)
    {
        var scores = new int?[ParameterCount];
        ScoreFresh(now, rules, scores);
        return new News2Assessment(scores, Scale, (string?[])_sources.Clone(), (DateTimeOffset?[])_times.Clone(), ScaleSetBy);
    }

    /// <summary>
    /// Scores the fresh parameters into <paramref name="scores"/> (null: no fresh value) and keeps them as the last fresh
    /// scores. Shared by <see cref="Assess"/> and <see cref="Step"/>, which runs for every reading and allocates nothing.
    /// </summary>
    private void ScoreFresh(DateTimeOffset now, News2Rules rules, Span<int?> scores)
    {
        // Scale 2 above 92 % depends on air or oxygen; when that is not fresh it is scored as air, so a partial
        // score stays a lower bound of the full one.
        var onOxygen = IsFresh(News2Parameter.AirOrOxygen, now, rules) && _onOxygen;
        for (var index = 0; index < ParameterCount; index++)
        {
            var parameter = (News2Parameter)index;
            if (!IsFresh(parameter, now, rules))
            {
                scores[index] = null;
                continue;
            }

            var value = _values[index];
            scores[index] = parameter switch
            {
                News2Parameter.RespirationRate => News2Scoring.RespirationRate(value),
                News2Parameter.OxygenSaturation => Scale == OxygenSaturationScale.Scale2
                    ? News2Scoring.OxygenSaturationScale2(value, onOxygen)
                    : News2Scoring.OxygenSaturationScale1(value),
                News2Parameter.AirOrOxygen => News2Scoring.AirOrOxygen(_onOxygen),
                News2Parameter.SystolicBloodPressure => News2Scoring.SystolicBloodPressure(value),
                News2Parameter.Pulse => News2Scoring.Pulse(value),
                News2Parameter.Consciousness => News2Scoring.ConsciousnessLevel(_consciousness),
                _ => News2Scoring.Temperature(value),
            };
            _lastFreshScores[index] = scores[index];
        }
    }

    /// <summary>
    /// Advances the NEWS2 alarm: a more urgent band must hold for the persistence delay before the alarm rises; a
    /// less urgent one for the clear delay before it falls. The fall is judged with stale parameters carrying
    /// their last fresh score, so a score never drops merely because a value went stale (no evidence of
    /// improvement). Returns the fresh score.
    /// </summary>
    public News2Summary Step(DateTimeOffset now, News2Rules rules)
    {
        Span<int?> scores = stackalloc int?[ParameterCount];
        ScoreFresh(now, rules, scores);
        var fresh = News2Summary.Of(scores);
        var rising = rules.PriorityFor(fresh.Band);
        AlarmPriority? target;
        if (Rank(rising) > Rank(Applied))
        {
            target = rising;
        }
        else
        {
            // The band of the last fresh scores: stale parameters keep theirs.
            var carried = rules.PriorityFor(News2Summary.Of(_lastFreshScores).Band);
            if (_restoredFloor is { } floor)
            {
                if (s_measured.All(parameter => _lastFreshScores[(int)parameter] is not null))
                {
                    _restoredFloor = null;
                }
                else if (Rank(floor) > Rank(carried))
                {
                    carried = floor;
                }
            }
            target = Rank(carried) < Rank(Applied) ? carried : Applied;
        }

        if (Rank(target) > Rank(Applied))
        {
            _downwardSince = null;
            _upwardSince ??= now;
            if (now - _upwardSince.Value >= rules.Persistence)
            {
                Applied = target;
                _upwardSince = null;
            }
        }
        else if (Rank(target) < Rank(Applied))
        {
            _upwardSince = null;
            _downwardSince ??= now;
            if (now - _downwardSince.Value >= rules.ClearDelay)
            {
                Applied = target;
                _downwardSince = null;
            }
        }
        else
        {
            _upwardSince = null;
            _downwardSince = null;
        }

        return fresh;
    }

    private bool IsFresh(News2Parameter parameter, DateTimeOffset now, News2Rules rules) =>
        _times[(int)parameter] is { } at && now - at <= rules.Freshness[parameter];

    private static int Rank(AlarmPriority? priority) => priority is { } value ? (int)value : 0;
}
