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
    private readonly Lock _writeLock = new();
    private long _reserved;

    private AlarmIdReservation(string path, long reserved)
    {
        _path = path;
        _reserved = reserved;
    }

    /// <summary>The highest id reserved so far.</summary>
    public long Reserved => Interlocked.Read(ref _reserved);

    /// <summary>
    /// Reads the reservation at <paramref name="path"/> (none yet: 0). A file that holds anything but a reservation (it is
    /// only ever replaced whole, so only an edit or a disk fault does that) reads as 0 with <paramref name="damaged"/> set:
    /// the caller then numbers after a safety gap (<see cref="DamagedGap"/>).
    /// </summary>
    public static AlarmIdReservation Open(string path, out bool damaged)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        damaged = false;
        if (!File.Exists(path))
        {
            return new AlarmIdReservation(path, 0);
        }

        var text = File.ReadAllText(path, Encoding.ASCII);
        if (text.EndsWith('\n') && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var reserved))
        {
            return new AlarmIdReservation(path, reserved);
        }

        damaged = true;
        return new AlarmIdReservation(path, 0);
    }

    /// <summary>
    /// How far past the journal's highest alarm id new ids start when the reservation is damaged: far more ids than the
    /// journal can lack (events its full queue refused, counted) between two starts of a ward's gateway.
    /// </summary>
    public const long DamagedGap = 1_000_000;

    /// <summary>Whether ids up to <paramref name="lastUsed"/> leave less than half a block in reserve.</summary>
    public bool IsRunningLow(long lastUsed) => Reserved - lastUsed < BlockSize / 2;

    /// <summary>Whether <paramref name="lastUsed"/> lies beyond the durable reservation (it must be reserved before it is handed out).</summary>
    public bool IsBeyond(long lastUsed) => lastUsed > Reserved;

    /// <summary>Reserves ids up to <paramref name="lastUsed"/> plus one block, durably (the file is replaced atomically and flushed).</summary>
    public void ReserveAfter(long lastUsed)
    {
        var reserved = checked(lastUsed + BlockSize);
        lock (_writeLock)
        {
            if (reserved <= Reserved)
            {
                return;
            }

            DurableFolder.ReplaceFile(_path, Encoding.ASCII.GetBytes(reserved.ToString(CultureInfo.InvariantCulture) + "\n"));
            Interlocked.Exchange(ref _reserved, reserved);
        }
    }
}
