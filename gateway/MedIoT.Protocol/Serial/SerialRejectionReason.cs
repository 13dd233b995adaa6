namespace MedIoT.Protocol.Serial;

/// <summary>
/// Why bytes from a serial line were skipped. Values are stable: they are counted per reason in metrics.
/// Every rejection is followed by resynchronisation at the next frame boundary (a line end, or a Nonin status byte
/// whose checksum holds).
/// </summary>
public enum SerialRejectionReason
{
    /// <summary>Not rejected.</summary>
    None = 0,

    /// <summary>Bytes that cannot start a frame (noise while the line settles, a baud-rate mismatch, binary garbage).</summary>
    Garbage,

    /// <summary>A line longer than the protocol allows; it is skipped up to and including its line end.</summary>
    OverlongLine,

    /// <summary>A complete line that does not have the protocol's shape (a truncated line, a missing or malformed field).</summary>
    MalformedLine,

    /// <summary>A Nonin frame whose checksum byte is not the sum of the four bytes before it, modulo 256.</summary>
    BadChecksum,

    /// <summary>A Nonin packet cut short: a new packet started before 25 frames of the old one arrived.</summary>
    TruncatedPacket,

    /// <summary>A complete Nonin packet whose values are out of range (for example SpO2 above 100 that is not the missing value 127).</summary>
    InvalidPacket,
}
