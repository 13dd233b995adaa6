namespace MedIoT.Gateway.Storage.Influx;

/// <summary>One vital's trend at a bed: its MDC code, UCUM unit and points oldest first.</summary>
/// <param name="MdcCode">The IEEE 11073 code.</param>
/// <param name="Unit">The UCUM unit; empty for a code the protocol does not list.</param>
/// <param name="Points">(time in Unix milliseconds, value) pairs, oldest first.</param>
internal sealed record VitalTrend(int MdcCode, string Unit, IReadOnlyList<(long UnixMilliseconds, double Value)> Points);
