namespace MedIoT.Alerts.News2;

/// <summary>The seven parameters of NEWS2 (RCP 2017, chart 1).</summary>
public enum News2Parameter
{
    /// <summary>Respiration rate, breaths per minute (MDC_RESP_RATE).</summary>
    RespirationRate,

    /// <summary>SpO2, percent (MDC_PULS_OXIM_SAT_O2), on scale 1 or scale 2 as set for the patient.</summary>
    OxygenSaturation,

    /// <summary>Air or supplemental oxygen, recorded by staff.</summary>
    AirOrOxygen,

    /// <summary>Systolic blood pressure, mmHg (MDC_PRESS_BLD_NONINV_SYS).</summary>
    SystolicBloodPressure,

    /// <summary>Pulse, per minute (MDC_PULS_OXIM_PULS_RATE or MDC_ECG_HEART_RATE, whichever was measured last).</summary>
    Pulse,

    /// <summary>Consciousness on the ACVPU scale, recorded by staff.</summary>
    Consciousness,

    /// <summary>Temperature, °C (MDC_TEMP_BODY).</summary>
    Temperature,
}
