namespace MedIoT.Protocol.Frames;

/// <summary>
/// One measured value in a device frame.
/// </summary>
/// <param name="Code">The IEEE 11073-10101 code (one of <see cref="MdcCodes"/>).</param>
/// <param name="Value">The measured value, finite, in <paramref name="Unit"/>.</param>
/// <param name="Unit">The UCUM unit; must be the one <see cref="MdcCodes.TryGetUnit"/> gives for the code.</param>
/// <param name="TimeUnixNanoseconds">
/// When the device measured the value, in nanoseconds since 1970-01-01T00:00:00Z (UTC, leap seconds not
/// counted, as POSIX time). Valid range 0 to <see cref="long.MaxValue"/> (2262-04-11T23:47:16.854775807Z).
/// </param>
public readonly record struct Observation(int Code, double Value, string Unit, long TimeUnixNanoseconds);
