using MedIoT.Protocol.Frames;

namespace MedIoT.Protocol.Serial;

/// <summary>
/// One line of a Masimo Radical-7 / Rad-8 serial output (docs/serial.md). A value the device shows as dashes is
/// "no value" (<see langword="null"/>), never zero.
/// </summary>
/// <param name="OxygenSaturationPercent">SpO2 in %, 0–100; null when dash-filled.</param>
/// <param name="PulseRatePerMinute">Pulse rate in beats per minute, 0–999; null when dash-filled.</param>
/// <param name="PerfusionIndexPercent">Perfusion index in %, 0–99.99; null when dash-filled.</param>
/// <param name="AlarmBits">The ALARM word (hex on the line): physiological alarm bits, silenced, low battery.</param>
/// <param name="ExceptionBits">The EXC word (hex on the line): technical exceptions such as sensor off.</param>
public readonly record struct MasimoReading(
    int? OxygenSaturationPercent, int? PulseRatePerMinute, double? PerfusionIndexPercent, int AlarmBits, int ExceptionBits)
{
    /// <summary>The technical conditions of <see cref="AlarmBits"/> and <see cref="ExceptionBits"/> (see <see cref="MasimoStatus"/>).</summary>
    public DeviceStatus Status => MasimoStatus.ToDeviceStatus(AlarmBits, ExceptionBits);
}
