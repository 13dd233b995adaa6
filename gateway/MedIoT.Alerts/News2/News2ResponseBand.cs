namespace MedIoT.Alerts.News2;

/// <summary>
/// The clinical risk bands of NEWS2 and the response each triggers (RCP 2017, "NEWS thresholds and
/// triggers"). Ordered from least to most urgent.
/// </summary>
public enum News2ResponseBand
{
    /// <summary>Aggregate 0: routine monitoring.</summary>
    Routine = 0,

    /// <summary>Aggregate 1–4 (low risk): ward-based response, assessment by a registered nurse.</summary>
    Low = 1,

    /// <summary>A score of 3 in any single parameter with an aggregate below 5 (low–medium risk): urgent ward-based response.</summary>
    SingleParameter = 2,

    /// <summary>Aggregate 5–6 (medium risk, the key threshold): urgent response.</summary>
    Medium = 3,

    /// <summary>Aggregate 7 or more (high risk): emergency response.</summary>
    High = 4,
}
