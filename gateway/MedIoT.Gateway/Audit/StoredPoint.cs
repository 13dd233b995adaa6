namespace MedIoT.Gateway.Audit;

/// <summary>One reading as read back from InfluxDB.</summary>
internal sealed record StoredPoint(string Device, string Code, string? Ward, string? Bed, long TimeUnixNanoseconds, double? Value, long? Sequence, long? JournalIndex);
