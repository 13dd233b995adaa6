namespace MedIoT.FirmwareSim.Serial;

/// <summary>
/// Which faults a simulated serial device injects, each every Nth reading (0 = never; when two fall on the same
/// reading, the first listed wins):
/// <list type="bullet">
/// <item><b>Garbage</b>: a burst of noise right after the reading (bytes 0x00–0x7F for Nonin; for the line protocols a
/// line of control bytes ended by CR LF). The reading itself and the next one arrive.</item>
/// <item><b>Truncated</b>: the reading is cut short (a line cut in the middle and ended; a Nonin packet cut after 12
/// frames). That reading is lost.</item>
/// <item><b>BadChecksum</b>: the reading is damaged in transit (a Nonin checksum flipped; a Masimo field corrupted; a
/// signed frame's signature altered). That reading is lost.</item>
/// </list>
/// A pulled cable is not simulated here: kill the pseudo-terminal (socat) as the tests do.
/// </summary>
/// <param name="GarbageEvery">Noise after every Nth reading.</param>
/// <param name="TruncateEvery">Every Nth reading cut short.</param>
/// <param name="BadChecksumEvery">Every Nth reading damaged.</param>
public sealed record SerialFaults(int GarbageEvery = 0, int TruncateEvery = 0, int BadChecksumEvery = 0)
{
    /// <summary>No faults.</summary>
    public static SerialFaults None { get; } = new();
}
