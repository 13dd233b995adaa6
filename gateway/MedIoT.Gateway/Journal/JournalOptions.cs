using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Journal;

/// <summary>
/// The journal (the gateway's RFC 9162 ledger, the spool every frame passes through before it is acknowledged):
/// section <c>Gateway:Journal</c>.
/// </summary>
public sealed class JournalOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Journal";

    /// <summary>
    /// The journal's folder (the log, its checkpoints, the replay snapshot and the InfluxDB writer's cursor). A relative
    /// path is resolved against the folder of the settings file. Default <c>state/journal</c>.
    /// </summary>
    [Required]
    public string Folder { get; set; } = "state/journal";

    /// <summary>Most frames made durable by one group commit (one flush round), 1–10000. Default 1000.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// How long a group commit waits for more frames when fewer than <see cref="BatchSize"/> are queued, in
    /// milliseconds, 0–1000. 0 commits what is queued at once (frames arriving during a flush form the next batch).
    /// Default 2.
    /// </summary>
    [Range(0, 1000)]
    public int MaxWaitMilliseconds { get; set; } = 2;

    /// <summary>A checkpoint is signed after this many new entries, 1–10000000. Default 10000.</summary>
    [Range(1, 10_000_000)]
    public int CheckpointEveryEntries { get; set; } = 10_000;

    /// <summary>A checkpoint is signed this often when the log grew (seconds), 1–86400. Default 10.</summary>
    [Range(1, 86_400)]
    public int CheckpointIntervalSeconds { get; set; } = 10;

    /// <summary>
    /// How many alarm events may wait for the journal writer, 16–1000000. Alarm delivery never waits for the journal: an
    /// event that finds this queue full is delivered, counted (<c>mediot.journal.alarm_events_not_journaled</c>) and
    /// logged (event id 86), but not journaled. Default 4096.
    /// </summary>
    [Range(16, 1_000_000)]
    public int AlarmEventCapacity { get; set; } = AlarmJournalQueue.DefaultCapacity;

    /// <summary>How often the backlog (journal size, InfluxDB writer lag) is logged, in seconds, 1–86400. Default 60.</summary>
    [Range(1, 86_400)]
    public int BacklogLogIntervalSeconds { get; set; } = 60;
}
