using MedIoT.Alerts.Rules;

namespace MedIoT.Alerts.Physiological;

/// <summary>
/// The limit and rate-of-change conditions of one vital from one device at one bed, driven by that device's samples
/// only (two devices reporting the same code at a bed each have their own tracker, so their interleaved samples cannot
/// reset each other's persistence or hysteresis; the engine combines their verdicts). A condition is
/// confirmed by evidence (a later sample still past the limit) and cleared by evidence (a sample back inside by
/// the hysteresis), never by silence — silence is the device-silent technical alarm's business.
/// </summary>
internal sealed class VitalTracker
{
    // Bounds the rate-of-change history whatever the sample rate (a 1 Hz device fills 60 entries per minute).
    private const int MaxHistory = 4096;

    private readonly DateTimeOffset?[] _onsets;
    private readonly bool[] _confirmed;
    // UTC ticks rather than DateTimeOffset: the rate-of-change scan reads the whole window for every sample (at 100 samples
    // a second, thousands of entries), and comparing longs is the cheap part of it. The differences are the same ticks.
    private readonly Queue<(long AtUtcTicks, double Value)> _history = new();
    private readonly DateTimeOffset?[] _rateOnsets;

    public VitalTracker(VitalRule rule)
    {
        Rule = rule;
        _onsets = new DateTimeOffset?[rule.Limits.Count];
        _confirmed = new bool[rule.Limits.Count];
        _rateOnsets = new DateTimeOffset?[rule.RatesOfChange.Count];
    }

    public VitalRule Rule { get; }

    public DateTimeOffset LastSampleTime { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>What the last sample called for (all null before the first).</summary>
    public VitalConditions Last { get; private set; }

    /// <summary>When (gateway clock) the last sample was evaluated.</summary>
    public DateTimeOffset LastEvaluatedAt { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>
    /// Starts the tracker with its limits in <paramref name="direction"/> up to <paramref name="priority"/> confirmed, as
    /// they were when an alarm of that priority was active before a restart (<see cref="AlarmEngine.Restore"/>): the
    /// alarm then stands until a sample clears it by the hysteresis, exactly as if the gateway had not restarted. The
    /// verdict counts as judged at <paramref name="now"/>.
    /// </summary>
    public void Seed(LimitDirection direction, AlarmPriority priority, DateTimeOffset now)
    {
        AlarmPriority? held = null;
        for (var index = 0; index < _onsets.Length; index++)
        {
            var limit = Rule.Limits[index];
            if (limit.Direction == direction && limit.Priority <= priority)
            {
                _onsets[index] = now;
                _confirmed[index] = true;
                held = held is { } current && current > limit.Priority ? current : limit.Priority;
            }
        }

        Last = direction == LimitDirection.Below ? new VitalConditions(held, null, null, null) : new VitalConditions(null, held, null, null);
        LastEvaluatedAt = now;
    }

    /// <summary>False for a sample measured before the newest one already seen (it arrived late; it says nothing about now).</summary>
    public bool TryAccept(DateTimeOffset sampleTime)
    {
        if (sampleTime < LastSampleTime)
        {
            return false;
        }

        LastSampleTime = sampleTime;
        return true;
    }

    /// <summary>Feeds one sample and returns what each condition of the vital calls for (null: no alarm).</summary>
    public VitalConditions Evaluate(double value, DateTimeOffset now)
    {
        AlarmPriority? below = null;
        AlarmPriority? above = null;
        for (var index = 0; index < _onsets.Length; index++)
        {
            var limit = Rule.Limits[index];
            if (limit.IsViolatedBy(value))
            {
                _onsets[index] ??= now;
                _confirmed[index] |= now - _onsets[index]!.Value >= limit.Persistence;
            }
            else if (limit.IsClearedBy(value) || !_confirmed[index])
            {
                // Back inside (past the hysteresis), or never confirmed: a pending onset does not survive a good sample.
                _onsets[index] = null;
                _confirmed[index] = false;
            }

            if (_confirmed[index])
            {
                ref var side = ref limit.Direction == LimitDirection.Below ? ref below : ref above;
                side = side is { } current && current > limit.Priority ? current : limit.Priority;
            }
        }

        AlarmPriority? falling = null;
        AlarmPriority? rising = null;
        if (Rule.RatesOfChange.Count > 0)
        {
            var nowTicks = now.UtcTicks;
            while (_history.Count > 0 && (nowTicks - _history.Peek().AtUtcTicks > Rule.LongestWindow.Ticks || _history.Count >= MaxHistory))
            {
                _history.Dequeue();
            }

            for (var index = 0; index < _rateOnsets.Length; index++)
            {
                var rate = Rule.RatesOfChange[index];
                var windowTicks = rate.Window.Ticks;
                var highest = value;
                var lowest = value;
                foreach (var (atTicks, past) in _history)
                {
                    if (nowTicks - atTicks <= windowTicks)
                    {
                        highest = Math.Max(highest, past);
                        lowest = Math.Min(lowest, past);
                    }
                }

                var holds = rate.Direction == TrendDirection.Falling ? highest - value >= rate.Change : value - lowest >= rate.Change;
                if (!holds)
                {
                    _rateOnsets[index] = null;
                    continue;
                }

                _rateOnsets[index] ??= now;
                if (now - _rateOnsets[index]!.Value >= rate.Persistence)
                {
                    ref var side = ref rate.Direction == TrendDirection.Falling ? ref falling : ref rising;
                    side = rate.Priority;
                }
            }

            _history.Enqueue((now.UtcTicks, value));
        }

        Last = new VitalConditions(below, above, falling, rising);
        LastEvaluatedAt = now;
        return Last;
    }
}

/// <summary>What each condition of one vital calls for after a sample.</summary>
internal readonly record struct VitalConditions(AlarmPriority? Below, AlarmPriority? Above, AlarmPriority? Falling, AlarmPriority? Rising);
