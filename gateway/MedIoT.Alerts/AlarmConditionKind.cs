namespace MedIoT.Alerts;

/// <summary>The kinds of condition an alarm can stand for; each belongs to one <see cref="AlarmCategory"/>.</summary>
public enum AlarmConditionKind
{
    /// <summary>A vital sign below a lower limit (physiological).</summary>
    VitalBelowLimit = 1,

    /// <summary>A vital sign above an upper limit (physiological).</summary>
    VitalAboveLimit = 2,

    /// <summary>A vital sign falling faster than the rule allows (physiological).</summary>
    VitalFalling = 3,

    /// <summary>A vital sign rising faster than the rule allows (physiological).</summary>
    VitalRising = 4,

    /// <summary>The bed's NEWS2 response band calls for a response (physiological).</summary>
    News2 = 5,

    /// <summary>The patient left a bed whose bed-exit monitoring is armed: its load fell below the share of the settled weight (physiological: the care team).</summary>
    BedExit = 6,

    /// <summary>The patient pressed the call button at the bed (physiological: the care team).</summary>
    PatientCall = 7,

    /// <summary>A device sent nothing for longer than the rule allows (technical).</summary>
    DeviceSilent = 20,

    /// <summary>A device reports a technical problem such as sensor off or low signal (technical).</summary>
    DeviceStatus = 21,

    /// <summary>A serial port the gateway reads a legacy device from is disconnected (technical).</summary>
    SerialPortDisconnected = 22,

    /// <summary>The gateway's backlog of frames not yet durable is filling up (technical).</summary>
    GatewayBacklog = 23,

    /// <summary>A sensor wired to the gateway (load cells, thermometer, button) stopped answering or reports a bus or plausibility fault (technical).</summary>
    AttachedSensorFault = 24,

    /// <summary>
    /// A security event reported by verification: bad signature, unknown or revoked device, key id or topic
    /// mismatch, replayed or conflicting sequence number (security).
    /// </summary>
    SecurityEvent = 40,
}
