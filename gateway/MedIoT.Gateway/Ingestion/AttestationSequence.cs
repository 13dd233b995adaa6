using System.Globalization;

namespace MedIoT.Gateway.Ingestion;

/// <summary>
/// The sequence numbers the gateway gives the attested frames of one device, never reused across restarts
/// (docs/device-protocol.md, "Sequence numbers"): blocks of 1000 are reserved in a state file before use, so a crash
/// skips at most the rest of a block and never repeats a number. Not thread-safe: one port loop owns it.
/// </summary>
internal sealed class AttestationSequence
{
    private const long BlockSize = 1000;
    private readonly string _statePath;
    private long _next;
    private long _reservedUpTo;

    /// <summary>Opens the counter in <paramref name="statePath"/>, starting at 1 when the file does not exist.</summary>
    /// <exception cref="InvalidDataException">The file holds something other than a non-negative number.</exception>
    public AttestationSequence(string statePath)
    {
        _statePath = statePath;
        if (File.Exists(statePath))
        {
            var text = File.ReadAllText(statePath).Trim();
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _next))
            {
                throw new InvalidDataException($"The sequence state file '{statePath}' does not hold a number. Restore it from a backup, or delete it only after making sure the device's sequence numbers cannot repeat.");
            }
        }
        else
        {
            _next = 1;
        }

        _reservedUpTo = _next;
    }

    /// <summary>The next sequence number; writes a new reservation (atomically, by rename) every 1000 numbers.</summary>
    public long Next()
    {
        if (_next >= _reservedUpTo)
        {
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("Attestation state files need Unix file modes.");
            }

            _reservedUpTo = _next + BlockSize;
            var temporary = _statePath + ".tmp";
            using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(_reservedUpTo.ToString(CultureInfo.InvariantCulture)));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, _statePath, overwrite: true);
        }

        return _next++;
    }
}
