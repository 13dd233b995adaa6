namespace MedIoT.Alerts;

/// <summary>Why the engine refused an input (counted and logged once per reason by the caller); nothing else changes.</summary>
public enum AlarmInputRejection
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>The ward or bed is empty or not 1–32 of A–Z a–z 0–9 . _ -.</summary>
    InvalidLocation,

    /// <summary>The device id or serial port name is empty or longer than 64 characters.</summary>
    InvalidDeviceId,

    /// <summary>A reading's value is NaN or infinite.</summary>
    NonFiniteValue,

    /// <summary>An enumeration value out of range, or a backlog that is negative or exceeds its capacity.</summary>
    InvalidValue,

    /// <summary>The staff identity is empty or not 1–64 of A–Z a–z 0–9 . _ @ -.</summary>
    InvalidStaffIdentity,

    /// <summary>A security event whose reason is not a security reason.</summary>
    NotASecurityReason,

    /// <summary>An acknowledgement for an alarm that is not active (never raised, or already resolved).</summary>
    AlarmNotFound,

    /// <summary>An acknowledgement for an alarm already acknowledged at its current priority.</summary>
    AlarmAlreadyAcknowledged,
}
