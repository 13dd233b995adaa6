using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol.Serial;

/// <summary>
/// The values of one complete Nonin data format 2 packet (25 frames, one third of a second; docs/serial.md).
/// Missing values (SpO2 127, pulse rate 511) are <see langword="null"/>, never zero.
/// </summary>
/// <param name="OxygenSaturationPercent">SpO2 in %, 0–100 (4-beat average); null when the device sends 127.</param>
/// <param name="PulseRatePerMinute">Pulse rate in beats per minute, 0–510 (4-beat average); null when the device sends 511.</param>
/// <param name="Status">The technical conditions of the 25 status bytes, combined (see <see cref="NoninStatus"/>).</param>
public readonly record struct NoninReading(int? OxygenSaturationPercent, int? PulseRatePerMinute, DeviceStatus Status);
