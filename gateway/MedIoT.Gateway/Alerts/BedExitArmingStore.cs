using System.Globalization;
using System.Text.Json;
using MedIoT.Alerts;
using MedIoT.Alerts.Staff;
using MedIoT.Ledger.Storage;

namespace MedIoT.Gateway.Alerts;

/// <summary>
/// Keeps the beds whose bed-exit monitoring is armed across a restart (docs/alerts.md §7): the file <see cref="FileName"/>
/// beside the journal, owner-only (0600), replaced whole by an atomic rename and flushed, in this format:
/// <c>{"version":1,"armed":[{"ward":"7A","bed":"01","armedBy":"nurse.jones","armedAt":"2026-03-01T08:15:00.0000000+00:00"}]}</c>.
/// It holds no patient value (the settled weight is learned again after a start). The alert service reads it once at
/// start, before ingestion; the alarm API saves the engine's armed beds after each change, newest first wins.
/// </summary>
internal sealed class BedExitArmingStore(string path, AlarmStatistics statistics, ILogger<BedExitArmingStore> logger)
{
    /// <summary>The file's name in the journal folder.</summary>
    public const string FileName = "bed-exit.armed";

    // More than any ward has beds; a larger file is not one this gateway wrote.
    private const int MaxBeds = 4096;
    private const int MaxFileBytes = 1024 * 1024;

    private readonly Lock _writeLock = new();
    private long _lastVersion;
    private long _savedVersion;

    /// <summary>The file's path.</summary>
    public string Path { get; } = path;

    /// <summary>
    /// A number for a change of the armed beds, increasing in the order the engine made the changes: take it on the engine's
    /// consumer together with <see cref="AlarmEngine.BedExitArmings"/>, so that <see cref="TrySave"/> never writes an older
    /// state over a newer one.
    /// </summary>
    public long NextVersion() => Interlocked.Increment(ref _lastVersion);

    /// <summary>The armed beds saved before (none without a file). A file that does not read is logged (event 165): no bed is armed.</summary>
    public IReadOnlyList<BedExitMonitoringSet> Load()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        try
        {
            if (TryParse(File.ReadAllBytes(Path), out var armings, out var error))
            {
                return armings;
            }

            Log.BedExitArmingsUnreadable(logger, Path, error);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Log.BedExitArmingsUnreadable(logger, Path, exception.Message);
        }

        return [];
    }

    /// <summary>
    /// Saves <paramref name="armings"/> (taken at <paramref name="version"/>) unless a newer state was saved already; false
    /// when the write failed (logged, event 166, and counted): the arming is in force but would not survive a restart.
    /// </summary>
    public bool TrySave(long version, IReadOnlyList<BedExitMonitoringSet> armings)
    {
        ArgumentNullException.ThrowIfNull(armings);
        lock (_writeLock)
        {
            if (version <= _savedVersion)
            {
                return true;
            }

            try
            {
                DurableFolder.ReplaceFile(Path, Serialize(armings));
                _savedVersion = version;
                return true;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Log.BedExitArmingsNotSaved(logger, Path, statistics.RecordBedExitSaveFailure(), exception.Message);
                return false;
            }
        }
    }

    /// <summary>The file's bytes for <paramref name="armings"/>, in bed order.</summary>
    internal static byte[] Serialize(IReadOnlyList<BedExitMonitoringSet> armings)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", 1);
            writer.WriteStartArray("armed");
            foreach (var arming in armings.OrderBy(arming => arming.Bed.ToString(), StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("ward", arming.Bed.Ward.ToString());
                writer.WriteString("bed", arming.Bed.Bed.ToString());
                writer.WriteString("armedBy", arming.StaffId.ToString());
                writer.WriteString("armedAt", arming.At.ToString("O", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    /// <summary>Reads the file's bytes strictly: exactly the members above, valid places and staff ids, each bed once.</summary>
    internal static bool TryParse(byte[] utf8Json, out IReadOnlyList<BedExitMonitoringSet> armings, out string error)
    {
        armings = [];
        if (utf8Json.Length > MaxFileBytes)
        {
            error = $"larger than {MaxFileBytes} bytes";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !HasExactly(root, "version", "armed")
                || root.GetProperty("version").ValueKind != JsonValueKind.Number || !root.GetProperty("version").TryGetInt32(out var version) || version != 1)
            {
                error = "not an object of version 1 with exactly the members version and armed";
                return false;
            }

            var entries = root.GetProperty("armed");
            if (entries.ValueKind != JsonValueKind.Array || entries.GetArrayLength() > MaxBeds)
            {
                error = $"armed is not an array of at most {MaxBeds} beds";
                return false;
            }

            var read = new List<BedExitMonitoringSet>();
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || !HasExactly(entry, "ward", "bed", "armedBy", "armedAt")
                    || !BedLocation.TryCreate(Text(entry, "ward"), Text(entry, "bed"), out var bed)
                    || !StaffId.TryCreate(Text(entry, "armedBy"), out var staff)
                    || !DateTimeOffset.TryParseExact(Text(entry, "armedAt"), "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var armedAt))
                {
                    error = $"armed[{read.Count}] is not a bed with ward, bed, armedBy (a staff id) and armedAt (round-trip time)";
                    return false;
                }

                if (read.Any(other => other.Bed == bed))
                {
                    error = $"armed[{read.Count}] repeats a bed";
                    return false;
                }

                read.Add(new BedExitMonitoringSet(bed, true, staff, armedAt));
            }

            armings = read;
            error = "";
            return true;
        }
        catch (JsonException)
        {
            error = "not valid JSON";
            return false;
        }
    }

    private static bool HasExactly(JsonElement element, params string[] names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            if (!seen.Add(member.Name) || Array.IndexOf(names, member.Name) < 0)
            {
                return false;
            }
        }

        return seen.Count == names.Length;
    }

    private static string? Text(JsonElement element, string name) =>
        element.GetProperty(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
