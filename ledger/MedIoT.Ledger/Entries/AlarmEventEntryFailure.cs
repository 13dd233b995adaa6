namespace MedIoT.Ledger.Entries;

/// <summary>Why bytes are not a valid <see cref="AlarmEventEntry"/>. Values are stable (counted and logged per reason).</summary>
public enum AlarmEventEntryFailure
{
    /// <summary>Valid.</summary>
    None = 0,

    /// <summary>The bytes end before the record does.</summary>
    Truncated,

    /// <summary>The format version byte is not 2.</summary>
    UnsupportedVersion,

    /// <summary>The record kind byte is not 1 (alarm event).</summary>
    UnknownRecordKind,

    /// <summary>The event time is negative.</summary>
    InvalidEventTime,

    /// <summary>Event kind, alarm id, priority, category, escalation level or NEWS2 score is outside its range.</summary>
    FieldOutOfRange,

    /// <summary>A text field is too long, empty where required, or has a character outside its alphabet.</summary>
    InvalidText,

    /// <summary>Bytes follow the end of the record.</summary>
    TrailingBytes,
}
