using System.Globalization;

namespace MedIoT.FirmwareSim.Devices;

/// <summary>
/// A device's frame sequence number, never reused across restarts (docs/device-protocol.md, "Sequence
/// numbers"), as device firmware keeps it: blocks of numbers are reserved in a state file before use,
/// so a crash skips at most the rest of one block and never repeats a number.
/// </summary>
public sealed class SequenceCounter
{
    private const long BlockSize = 1000;
    private readonly string _statePath;
    private long _next;
    private long _reservedUpTo;

    /// <summary>Opens (or starts at 1) the counter kept in <paramref name="statePath"/>.</summary>
    public SequenceCounter(string statePath)
    {
        _statePath = statePath;
        _next = File.Exists(statePath)
            ? long.Parse(File.ReadAllText(statePath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture)
            : 1;
        _reservedUpTo = _next;
    }

    /// <summary>The next sequence number.</summary>
    public long Next()
    {
        if (_next >= _reservedUpTo)
        {
            _reservedUpTo = _next + BlockSize;
            var temporary = _statePath + ".tmp";
            File.WriteAllText(temporary, _reservedUpTo.ToString(CultureInfo.InvariantCulture));
            File.Move(temporary, _statePath, overwrite: true);
        }

        return _next++;
    }
}
