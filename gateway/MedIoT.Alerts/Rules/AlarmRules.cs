using System.Collections.Frozen;

namespace MedIoT.Alerts.Rules;

/// <summary>
/// Every alert rule: vital limits and rates of change, NEWS2, bed exit and patient call, technical and security alarms,
/// latching and escalation, and per-bed overrides. Loaded from <c>configs/alert-rules.json</c>, which is reviewed like code
/// (docs/alerts.md lists every setting and the source of each default).
/// </summary>
public sealed class AlarmRules
{
    private readonly FrozenDictionary<int, VitalRule> _vitals;
    private readonly FrozenDictionary<(BedLocation Bed, int Code), VitalRule> _overrides;

    /// <summary>Creates rules from validated parts (the loader validates a file; code that builds rules itself must pass sane values).</summary>
    public AlarmRules(
        IReadOnlyList<VitalRule> vitals,
        News2Rules news2,
        TechnicalRules technical,
        SecurityRules security,
        LifecycleRules lifecycle,
        IReadOnlyList<BedOverride> bedOverrides,
        BedExitRule bedExit,
        PatientCallRule patientCall)
    {
        ArgumentNullException.ThrowIfNull(vitals);
        ArgumentNullException.ThrowIfNull(bedOverrides);
        Vitals = vitals;
        News2 = news2 ?? throw new ArgumentNullException(nameof(news2));
        Technical = technical ?? throw new ArgumentNullException(nameof(technical));
        Security = security ?? throw new ArgumentNullException(nameof(security));
        Lifecycle = lifecycle ?? throw new ArgumentNullException(nameof(lifecycle));
        BedOverrides = bedOverrides;
        BedExit = bedExit ?? throw new ArgumentNullException(nameof(bedExit));
        PatientCall = patientCall ?? throw new ArgumentNullException(nameof(patientCall));
        _vitals = vitals.ToFrozenDictionary(rule => rule.MdcCode);
        _overrides = bedOverrides.SelectMany(entry => entry.Vitals.Select(rule => (Key: (entry.Bed, rule.MdcCode), Rule: rule)))
            .ToFrozenDictionary(pair => pair.Key, pair => pair.Rule);
    }

    /// <summary>The ward-default rules per vital.</summary>
    public IReadOnlyList<VitalRule> Vitals { get; }

    /// <summary>NEWS2 freshness windows, band priorities, persistence and clear delay.</summary>
    public News2Rules News2 { get; }

    /// <summary>Technical alarms.</summary>
    public TechnicalRules Technical { get; }

    /// <summary>Security alarms.</summary>
    public SecurityRules Security { get; }

    /// <summary>Latching and escalation.</summary>
    public LifecycleRules Lifecycle { get; }

    /// <summary>Per-bed replacements of vital rules.</summary>
    public IReadOnlyList<BedOverride> BedOverrides { get; }

    /// <summary>Bed exit of an armed bed.</summary>
    public BedExitRule BedExit { get; }

    /// <summary>The patient's call button.</summary>
    public PatientCallRule PatientCall { get; }

    /// <summary>The rule for <paramref name="mdcCode"/> at <paramref name="bed"/>: the bed's override if any, else the ward default; null when none.</summary>
    public VitalRule? VitalRuleFor(BedLocation bed, int mdcCode) =>
        _overrides.TryGetValue((bed, mdcCode), out var rule) || _vitals.TryGetValue(mdcCode, out rule) ? rule : null;

    /// <summary>Parses rules JSON; <paramref name="source"/> names the file in error messages.</summary>
    /// <exception cref="InvalidDataException">The JSON is not valid rules.</exception>
    public static AlarmRules Parse(ReadOnlySpan<byte> utf8Json, string source) => AlarmRulesParser.Parse(utf8Json, source);
}
