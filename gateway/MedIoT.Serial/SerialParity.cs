namespace MedIoT.Serial;

/// <summary>The parity bit of each character (termios PARENB and PARODD).</summary>
public enum SerialParity
{
    /// <summary>No parity bit.</summary>
    None = 0,

    /// <summary>Even parity.</summary>
    Even,

    /// <summary>Odd parity.</summary>
    Odd,
}
