namespace MedIoT.Ledger.Entries;

/// <summary>Why bytes are not a valid <see cref="LedgerEntry"/>. Values are stable (counted and logged per reason).</summary>
public enum LedgerEntryFailure
{
    /// <summary>Valid.</summary>
    None = 0,

    /// <summary>The bytes end before the record does.</summary>
    Truncated,

    /// <summary>The format version byte is not 1.</summary>
    UnsupportedVersion,

    /// <summary>The attestation byte is not a defined <see cref="EntryAttestation"/>.</summary>
    UnknownAttestation,

    /// <summary>The receive time is negative.</summary>
    InvalidReceiveTime,

    /// <summary>The sequence number is negative or above 2^53 - 1.</summary>
    SequenceOutOfRange,

    /// <summary>The device id is empty, longer than 64 bytes or has a character outside [A-Za-z0-9._-].</summary>
    InvalidDeviceId,

    /// <summary>The frame is empty or longer than <see cref="LedgerEntry.MaxFrameLength"/>.</summary>
    FrameLengthOutOfRange,

    /// <summary>Bytes follow the end of the record.</summary>
    TrailingBytes,
}
