namespace MedIoT.Alerts;

/// <summary>Alarm priorities in the sense of IEC 60601-1-8 (high: immediate response, medium: prompt response, low: awareness).</summary>
public enum AlarmPriority
{
    /// <summary>Awareness is required.</summary>
    Low = 1,

    /// <summary>A prompt response is required.</summary>
    Medium = 2,

    /// <summary>An immediate response is required.</summary>
    High = 3,
}
