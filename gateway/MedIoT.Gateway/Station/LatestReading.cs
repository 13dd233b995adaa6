namespace MedIoT.Gateway.Station;

/// <summary>The newest reading of one vital at one bed.</summary>
/// <param name="MdcCode">The IEEE 11073 code.</param>
/// <param name="Value">The value, in <paramref name="Unit"/>.</param>
/// <param name="Unit">The UCUM unit the frame stated.</param>
/// <param name="MeasuredAt">When the device measured it.</param>
/// <param name="DeviceId">The device that sent it.</param>
internal readonly record struct LatestReading(int MdcCode, double Value, string Unit, DateTimeOffset MeasuredAt, string DeviceId);
