namespace MedIoT.Alerts;

/// <summary>Who an alarm is delivered to.</summary>
public enum AlarmChannel
{
    /// <summary>Nurses and the ward's escalation chain (physiological and technical alarms).</summary>
    CareTeam = 1,

    /// <summary>Hospital IT and biomedical engineering (security alarms); never shown to nurses.</summary>
    InformationTechnology = 2,
}
