using System.Diagnostics.CodeAnalysis;

namespace MedIoT.Protocol.Frames;

/// <summary>
/// The vital-sign codes a device frame may carry: numeric codes of the IEEE 11073-10101 nomenclature
/// (partition 2, SCADA, so code = 2 × 65536 + term code), each with the one UCUM unit
/// (unitsofmeasure.org) the frame must state. A code not listed here is rejected.
/// </summary>
public static class MdcCodes
{
    /// <summary>MDC_PULS_OXIM_SAT_O2 (IEEE 11073-10101), peripheral oxygen saturation SpO2; unit "%".</summary>
    public const int OxygenSaturation = 150456;

    /// <summary>MDC_PULS_OXIM_PULS_RATE (IEEE 11073-10101), pulse rate from the oximeter; unit "/min".</summary>
    public const int PulseRateOximeter = 149530;

    /// <summary>
    /// MDC_PULS_OXIM_PERF_REL (IEEE 11073-10101, term code 19376 in partition 2), the relative perfusion index
    /// an oximeter reports (Masimo "PI"); unit "%".
    /// </summary>
    public const int PerfusionIndex = 150448;

    /// <summary>MDC_ECG_HEART_RATE (IEEE 11073-10101), heart rate from the ECG; unit "/min".</summary>
    public const int HeartRateEcg = 147842;

    /// <summary>MDC_RESP_RATE (IEEE 11073-10101), respiration rate; unit "/min".</summary>
    public const int RespirationRate = 151562;

    /// <summary>MDC_TEMP_BODY (IEEE 11073-10101), body temperature; unit "Cel" (degrees Celsius).</summary>
    public const int BodyTemperature = 150364;

    /// <summary>
    /// MDC_MASS_BODY_ACTUAL (IEEE 11073-10101, term code 57664 in partition 2; the code IEEE 11073-10415 weighing scales
    /// report), the patient's body weight; unit "kg". The gateway's bed scale (load cells under the bed) reports it.
    /// </summary>
    public const int BodyWeight = 188736;

    /// <summary>MDC_PRESS_BLD_NONINV_SYS (IEEE 11073-10101), non-invasive systolic blood pressure; unit "mm[Hg]".</summary>
    public const int NoninvasiveSystolic = 150021;

    /// <summary>MDC_PRESS_BLD_NONINV_DIA (IEEE 11073-10101), non-invasive diastolic blood pressure; unit "mm[Hg]".</summary>
    public const int NoninvasiveDiastolic = 150022;

    /// <summary>MDC_PRESS_BLD_NONINV_MEAN (IEEE 11073-10101), non-invasive mean arterial pressure; unit "mm[Hg]".</summary>
    public const int NoninvasiveMean = 150023;

    /// <summary>Every supported code, in the order of the protocol document's table.</summary>
    public static IReadOnlyList<int> All { get; } =
    [
        OxygenSaturation, PulseRateOximeter, HeartRateEcg, RespirationRate, BodyTemperature,
        NoninvasiveSystolic, NoninvasiveDiastolic, NoninvasiveMean, PerfusionIndex, BodyWeight,
    ];

    /// <summary>The UCUM unit a frame must give for <paramref name="code"/>; <see langword="false"/> for an unsupported code.</summary>
    public static bool TryGetUnit(int code, [NotNullWhen(true)] out string? ucumUnit)
    {
        ucumUnit = code switch
        {
            OxygenSaturation or PerfusionIndex => "%",
            PulseRateOximeter or HeartRateEcg or RespirationRate => "/min",
            BodyTemperature => "Cel",
            NoninvasiveSystolic or NoninvasiveDiastolic or NoninvasiveMean => "mm[Hg]",
            BodyWeight => "kg",
            _ => null,
        };
        return ucumUnit is not null;
    }

    /// <summary>The IEEE 11073-10101 reference id (e.g. "MDC_PULS_OXIM_SAT_O2"); <see langword="null"/> for an unsupported code.</summary>
    public static string? GetReferenceId(int code) => code switch
    {
        OxygenSaturation => "MDC_PULS_OXIM_SAT_O2",
        PulseRateOximeter => "MDC_PULS_OXIM_PULS_RATE",
        HeartRateEcg => "MDC_ECG_HEART_RATE",
        RespirationRate => "MDC_RESP_RATE",
        BodyTemperature => "MDC_TEMP_BODY",
        NoninvasiveSystolic => "MDC_PRESS_BLD_NONINV_SYS",
        NoninvasiveDiastolic => "MDC_PRESS_BLD_NONINV_DIA",
        NoninvasiveMean => "MDC_PRESS_BLD_NONINV_MEAN",
        PerfusionIndex => "MDC_PULS_OXIM_PERF_REL",
        BodyWeight => "MDC_MASS_BODY_ACTUAL",
        _ => null,
    };
}
