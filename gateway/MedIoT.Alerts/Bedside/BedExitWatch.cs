using MedIoT.Alerts.Rules;

namespace MedIoT.Alerts.Bedside;

/// <summary>
/// The bed-exit monitoring of one armed bed: who armed it, the patient's settled weight once learned, and since when the
/// load has been below the rule's share of it (docs/alerts.md §1, "Bed exit"). The weight is a patient value: it never
/// leaves the engine (only whether it is known does).
/// </summary>
internal sealed class BedExitWatch(StaffId armedBy, DateTimeOffset armedAt)
{
    private DateTimeOffset? _belowSince;
    private DateTimeOffset _windowStart;
    private double _windowFirst;
    private double _windowSum;
    private int _windowCount;

    public StaffId ArmedBy { get; } = armedBy;

    public DateTimeOffset ArmedAt { get; } = armedAt;

    /// <summary>The patient's settled weight; null until the readings were steady for the rule's settle time.</summary>
    public double? SettledKilograms { get; private set; }

    /// <summary>The scale that reported last (named by the alarm).</summary>
    public string? DeviceId { get; private set; }

    /// <summary>Whether the patient counts as out of bed: the load stayed below the share for the sustain time and has not come back.</summary>
    public bool Exited { get; set; }

    /// <summary>Takes one weight reading (a finite value, in kg) from <paramref name="deviceId"/> at <paramref name="now"/>.</summary>
    public void Record(double kilograms, string deviceId, DateTimeOffset now, BedExitRule rule)
    {
        DeviceId = deviceId;
        if (SettledKilograms is not { } settled)
        {
            Learn(kilograms, now, rule);
            if (SettledKilograms is not null)
            {
                // Back in bed and steady: a bed exit restored without a settled weight ends here.
                Exited = false;
            }

            return;
        }

        if (kilograms < rule.LoadShare * settled)
        {
            _belowSince ??= now;
        }
        else
        {
            _belowSince = null;
            Exited = false;
        }
    }

    /// <summary>Marks the patient out of bed once the load has been below the share for the sustain time; returns <see cref="Exited"/>.</summary>
    public bool Step(DateTimeOffset now, BedExitRule rule)
    {
        if (_belowSince is { } since && now - since >= rule.Sustain)
        {
            Exited = true;
        }

        return Exited;
    }

    /// <summary>
    /// Learns the settled weight: the mean of the readings of a window in which each stayed within the steady band of the
    /// window's first reading, once the window spans the settle time and its mean is at least the minimum (an empty bed,
    /// or one with only a blanket on it, is never learned).
    /// </summary>
    private void Learn(double kilograms, DateTimeOffset now, BedExitRule rule)
    {
        var band = Math.Max(BedExitRule.SteadyBandMinimumKilograms, BedExitRule.SteadyBandShare * Math.Abs(_windowFirst));
        if (_windowCount == 0 || Math.Abs(kilograms - _windowFirst) > band)
        {
            _windowStart = now;
            _windowFirst = kilograms;
            _windowSum = 0;
            _windowCount = 0;
        }

        _windowSum += kilograms;
        _windowCount++;
        var mean = _windowSum / _windowCount;
        if (now - _windowStart >= rule.Settle && mean >= rule.MinimumSettledKilograms)
        {
            SettledKilograms = mean;
        }
    }
}
