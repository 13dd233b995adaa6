namespace MedIoT.Gateway.Audit;

/// <summary>What the audit found wrong with one reading.</summary>
internal enum AuditFindingKind
{
    /// <summary>The journal holds the reading but InfluxDB does not.</summary>
    Missing,

    /// <summary>InfluxDB holds the reading with another value than its journal entry.</summary>
    Altered,

    /// <summary>InfluxDB holds a reading no journal entry explains (no or a wrong journal index, another device, time or code).</summary>
    Unexplained,
}

/// <summary>One finding: the reading's identity, never its value (a patient's value is not printed).</summary>
internal sealed record AuditFinding(AuditFindingKind Kind, string Device, string Code, long TimeUnixNanoseconds, long? JournalIndex, string Detail);
