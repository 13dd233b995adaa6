namespace MedIoT.Alerts.News2;

/// <summary>Which NEWS2 SpO2 scale applies to a patient (RCP 2017, chart 1).</summary>
public enum OxygenSaturationScale
{
    /// <summary>Scale 1, for most patients (the default).</summary>
    Scale1 = 1,

    /// <summary>
    /// Scale 2, only for patients with documented hypercapnic respiratory failure and a prescribed target of
    /// 88–92 %, set by a clinician for that patient.
    /// </summary>
    Scale2 = 2,
}
