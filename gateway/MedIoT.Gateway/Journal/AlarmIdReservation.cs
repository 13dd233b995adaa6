using System.Globalization;
using System.Text;
using MedIoT.Ledger.Storage;

namespace MedIoT.Gateway.Journal;

/// <summary>
/// The alarm ids the alert service may hand out, written durably before it does (file <see cref="FileName"/> beside the
/// journal: the highest reserved id as decimal ASCII and a line feed). Alarm events reach the journal without being
/// waited for, so after a crash the journal may lack the last ids that went out over MQTT and webhooks; the next start
/// numbers new alarms after both the journal's highest id and this reservation, so no id is ever handed out twice.
/// Reservations are made <see cref="BlockSize"/> ids ahead, so writing one is rare and never on an alarm's path.
/// </summary>
internal sealed class AlarmIdReservation
{
    /// <summary>The file's name in the journal folder.</summary>
    public const string FileName = "alarm-ids.reserved";

    /// <summary>How many ids one reservation covers beyond those in use; a new one is made when half are used.</summary>
    public const long BlockSize = 1000;

    private readonly string _path;
    private long _reserved;

    private AlarmIdReservation(string path, long reserved)
    {
        _path = path;
        _reserved = reserved;
    }

    /// <summary>The highest id reserved so far.</summary>
    public long Reserved => Interlocked.Read(ref _reserved);

    /// <summary>Reads the reservation at <paramref name="path"/> (none yet: 0).</summary>
    /// <exception cref="InvalidDataException">The file holds anything but a reservation (it is only ever replaced whole).</exception>
    public static AlarmIdReservation Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return new AlarmIdReservation(path, 0);
        }

        var text = File.ReadAllText(path, Encoding.ASCII);
        return text.EndsWith('\n') && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var reserved)
            ? new AlarmIdReservation(path, reserved)
            : throw new InvalidDataException($"The alarm id reservation '{path}' is damaged; it holds the highest alarm id handed out. " +
                "Replace its content with a number above every alarm id ever published, followed by a line feed.");
    }

    /// <summary>Whether ids up to <paramref name="lastUsed"/> leave less than half a block in reserve.</summary>
    public bool IsRunningLow(long lastUsed) => Reserved - lastUsed < BlockSize / 2;

    /// <summary>Reserves ids up to <paramref name="lastUsed"/> plus one block, durably (the file is replaced atomically and flushed).</summary>
    public void ReserveAfter(long lastUsed)
    {
        var reserved = checked(lastUsed + BlockSize);
        if (reserved <= Reserved)
        {
            return;
        }

        DurableFolder.ReplaceFile(_path, Encoding.ASCII.GetBytes(reserved.ToString(CultureInfo.InvariantCulture) + "\n"));
        Interlocked.Exchange(ref _reserved, reserved);
    }
}
