namespace MedIoT.Alerts;

/// <summary>What an alarm is about. Physiological and technical alarms go to the care team, security alarms to IT.</summary>
public enum AlarmCategory
{
    /// <summary>
    /// The patient: a vital sign past a limit, a fast change, a NEWS2 response band (IEC 60601-1-8 physiological alarm), and the
    /// patient's own calls on the care team: leaving an armed bed (bed exit), pressing the call button (patient call).
    /// </summary>
    Physiological = 1,

    /// <summary>The equipment: sensor off, no data, low signal, a serial port gone, a sensor wired to the gateway failing, the gateway falling behind (IEC 60601-1-8 technical alarm).</summary>
    Technical = 2,

    /// <summary>Bad signatures, unknown or revoked devices, conflicting sequence numbers: for IT, never for nurses.</summary>
    Security = 3,
}
