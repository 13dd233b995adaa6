namespace MedIoT.Alerts.Rules;

/// <summary>
/// The alarm rules for one vital sign (one IEEE 11073 code). Lower limits form one condition ("below") and
/// upper limits another ("above"); when several limits of one direction are violated, the alarm takes the
/// highest priority among the confirmed ones.
/// </summary>
/// <param name="Name">A label for people, e.g. <c>SpO2</c>.</param>
/// <param name="MdcCode">The vital's code, one of <see cref="MedIoT.Protocol.Frames.MdcCodes"/>.</param>
/// <param name="Limits">The limits, at most one per direction and priority.</param>
/// <param name="RatesOfChange">Rate-of-change rules, at most one per direction.</param>
public sealed record VitalRule(string Name, int MdcCode, IReadOnlyList<VitalLimit> Limits, IReadOnlyList<RateOfChangeRule> RatesOfChange)
{
    /// <summary>The longest rate-of-change window, or zero.</summary>
    public TimeSpan LongestWindow { get; } = RatesOfChange.Count == 0 ? TimeSpan.Zero : RatesOfChange.Max(rule => rule.Window);
}
