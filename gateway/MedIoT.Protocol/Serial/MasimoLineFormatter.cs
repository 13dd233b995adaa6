using System.Globalization;
using System.Text;

namespace MedIoT.Protocol.Serial;

/// <summary>
/// Writes Masimo Radical-7 / Rad-8 style lines (the layout <see cref="MasimoLineReader"/> reads), for the simulator
/// and for tests. Missing values are dash-filled as the device does.
/// </summary>
public static class MasimoLineFormatter
{
    /// <summary>One line with its CR LF, in ASCII.</summary>
    public static byte[] Format(DateTime deviceTime, string serialNumber, MasimoReading reading)
    {
        ArgumentNullException.ThrowIfNull(serialNumber);
        var invariant = CultureInfo.InvariantCulture;
        var saturation = reading.OxygenSaturationPercent?.ToString("000", invariant) ?? "---";
        var pulse = reading.PulseRatePerMinute?.ToString("000", invariant) ?? "---";
        var perfusion = reading.PerfusionIndexPercent?.ToString("00.00", invariant) ?? "--.--";
        var line = string.Create(invariant,
            $"{deviceTime:MM/dd/yy HH:mm:ss} SN={serialNumber} SPO2={saturation}% BPM={pulse} PI={perfusion}% SPCO=--.-% SPMET=--.-% " +
            $"DESAT=-- PIDELTA=+-- ALARM={reading.AlarmBits:X4} EXC={reading.ExceptionBits:X6}\r\n");
        return Encoding.ASCII.GetBytes(line);
    }
}
