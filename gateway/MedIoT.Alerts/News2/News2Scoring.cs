namespace MedIoT.Alerts.News2;

/// <summary>
/// The NEWS2 scoring chart (Royal College of Physicians, National Early Warning Score 2, 2017, chart 1)
/// as pure functions. Values are first rounded to the chart's resolution, as a nurse charts them: whole
/// numbers for rates, SpO2 and pressure, one decimal for temperature (midpoints away from zero), so a
/// device's 20.6 breaths/min scores as 21 and 35.04 °C as 35.0.
/// </summary>
public static class News2Scoring
{
    /// <summary>Respiration rate per minute: ≤8 → 3, 9–11 → 1, 12–20 → 0, 21–24 → 2, ≥25 → 3.</summary>
    public static int RespirationRate(double breathsPerMinute) => Whole(breathsPerMinute) switch
    {
        <= 8 => 3,
        <= 11 => 1,
        <= 20 => 0,
        <= 24 => 2,
        _ => 3,
    };

    /// <summary>SpO2 scale 1 in percent: ≤91 → 3, 92–93 → 2, 94–95 → 1, ≥96 → 0.</summary>
    public static int OxygenSaturationScale1(double percent) => Whole(percent) switch
    {
        <= 91 => 3,
        <= 93 => 2,
        <= 95 => 1,
        _ => 0,
    };

    /// <summary>
    /// SpO2 scale 2 in percent: ≤83 → 3, 84–85 → 2, 86–87 → 1, 88–92 → 0; at 93 or more it scores 0 on
    /// air, and on oxygen 93–94 → 1, 95–96 → 2, ≥97 → 3 (over-oxygenation of a hypercapnic patient).
    /// </summary>
    public static int OxygenSaturationScale2(double percent, bool onOxygen) => Whole(percent) switch
    {
        <= 83 => 3,
        <= 85 => 2,
        <= 87 => 1,
        <= 92 => 0,
        _ when !onOxygen => 0,
        <= 94 => 1,
        <= 96 => 2,
        _ => 3,
    };

    /// <summary>Supplemental oxygen scores 2, air 0.</summary>
    public static int AirOrOxygen(bool onOxygen) => onOxygen ? 2 : 0;

    /// <summary>Systolic blood pressure in mmHg: ≤90 → 3, 91–100 → 2, 101–110 → 1, 111–219 → 0, ≥220 → 3.</summary>
    public static int SystolicBloodPressure(double millimetresOfMercury) => Whole(millimetresOfMercury) switch
    {
        <= 90 => 3,
        <= 100 => 2,
        <= 110 => 1,
        <= 219 => 0,
        _ => 3,
    };

    /// <summary>Pulse per minute: ≤40 → 3, 41–50 → 1, 51–90 → 0, 91–110 → 1, 111–130 → 2, ≥131 → 3.</summary>
    public static int Pulse(double beatsPerMinute) => Whole(beatsPerMinute) switch
    {
        <= 40 => 3,
        <= 50 => 1,
        <= 90 => 0,
        <= 110 => 1,
        <= 130 => 2,
        _ => 3,
    };

    /// <summary>Consciousness: Alert → 0; new confusion, voice, pain or unresponsive → 3.</summary>
    public static int ConsciousnessLevel(Consciousness level) => level == Consciousness.Alert ? 0 : 3;

    /// <summary>Temperature in °C: ≤35.0 → 3, 35.1–36.0 → 1, 36.1–38.0 → 0, 38.1–39.0 → 1, ≥39.1 → 2.</summary>
    public static int Temperature(double degreesCelsius)
    {
        // Compare in tenths of a degree so that 36.0 and 38.0 are exact.
        var tenths = Whole(degreesCelsius * 10);
        return tenths switch
        {
            <= 350 => 3,
            <= 360 => 1,
            <= 380 => 0,
            <= 390 => 1,
            _ => 2,
        };
    }

    /// <summary>
    /// The response band for an aggregate score (RCP 2017): 0 routine; 1–4 low; a 3 in any single parameter
    /// (with an aggregate below 5) low–medium, urgent ward-based response; 5–6 medium; 7 or more high.
    /// </summary>
    /// <param name="aggregate">The sum of the parameter scores, 0–20.</param>
    /// <param name="anySingleParameterScoredThree">Whether any one parameter scored 3.</param>
    public static News2ResponseBand ResponseBand(int aggregate, bool anySingleParameterScoredThree)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(aggregate);
        return aggregate switch
        {
            >= 7 => News2ResponseBand.High,
            >= 5 => News2ResponseBand.Medium,
            _ when anySingleParameterScoredThree => News2ResponseBand.SingleParameter,
            >= 1 => News2ResponseBand.Low,
            _ => News2ResponseBand.Routine,
        };
    }

    // Clamped first: a finite but absurd value (1e308 from a faulty device) must score as extreme, not overflow the cast
    // (checked arithmetic) and stop the engine. Every chart edge lies far inside ±1e15.
    private static long Whole(double value) => (long)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), -1e15, 1e15);
}
