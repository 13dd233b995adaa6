namespace MedIoT.Alerts.News2;

/// <summary>
/// The ACVPU consciousness scale of NEWS2 (RCP 2017, chart 1), recorded by staff. Any level other than
/// <see cref="Alert"/> scores 3.
/// </summary>
public enum Consciousness
{
    /// <summary>Alert: scores 0.</summary>
    Alert = 0,

    /// <summary>New confusion (new-onset or worsening disorientation): scores 3.</summary>
    NewConfusion = 1,

    /// <summary>Responds to voice: scores 3.</summary>
    Voice = 2,

    /// <summary>Responds to pain: scores 3.</summary>
    Pain = 3,

    /// <summary>Unresponsive: scores 3.</summary>
    Unresponsive = 4,
}
