using MedIoT.Alerts.News2;

namespace MedIoT.Alerts.Rules;

/// <summary>How NEWS2 is computed per bed and which response bands raise an alarm at which priority.</summary>
/// <param name="Freshness">Per parameter, how old its latest value may be and still count (the rest count as missing).</param>
/// <param name="BandPriorities">Per response band, the alarm priority; a band not listed raises no alarm.</param>
/// <param name="Persistence">How long a higher band must hold before the alarm rises, 0–3600 s.</param>
/// <param name="ClearDelay">How long a lower band must hold before the alarm falls or clears, 0–3600 s.</param>
/// <param name="Source">Where the defaults come from.</param>
public sealed record News2Rules(
    IReadOnlyDictionary<News2Parameter, TimeSpan> Freshness,
    IReadOnlyDictionary<News2ResponseBand, AlarmPriority> BandPriorities,
    TimeSpan Persistence,
    TimeSpan ClearDelay,
    string Source)
{
    /// <summary>The alarm priority for <paramref name="band"/>; null when the band raises no alarm.</summary>
    public AlarmPriority? PriorityFor(News2ResponseBand band) => BandPriorities.TryGetValue(band, out var priority) ? priority : null;
}
