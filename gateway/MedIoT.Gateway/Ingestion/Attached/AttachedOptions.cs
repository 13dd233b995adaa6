using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Ingestion.Attached;

/// <summary>Sensors wired to the gateway's own I2C and GPIO pins: section <c>Gateway:Attached</c> (docs/attached-sensors.md).</summary>
public sealed class AttachedOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Attached";

    /// <summary>The sensors. Default none.</summary>
    public List<AttachedSensorOptions> Sensors { get; set; } = [];

    /// <summary>
    /// Where the gateway keeps the sequence numbers of the attested readings and the scales' pending calibrations
    /// (owner-only folder). A relative path is resolved against the folder of the settings file. Default <c>state/attached</c>.
    /// </summary>
    [Required]
    public string StateFolder { get; set; } = "state/attached";

    /// <summary>
    /// Failed reads in a row (no answer, a bus error, a failed packet error check, the chip's error flag, an implausible
    /// value) before a sensor counts as not working and raises its technical alarm, 1–100. Default 3: one disturbed read
    /// is counted and logged, not alarmed.
    /// </summary>
    [Range(1, 100)]
    public int FailuresBeforeFault { get; set; } = 3;

    /// <summary>First delay before opening a bus or pin again after it failed to open, in milliseconds, 100–60000; doubled up to <see cref="ReopenMaximumDelayMilliseconds"/>. Default 500.</summary>
    [Range(100, 60_000)]
    public int ReopenInitialDelayMilliseconds { get; set; } = 500;

    /// <summary>Longest delay between attempts to open a bus or pin, in milliseconds, 100–300000. Default 5000.</summary>
    [Range(100, 300_000)]
    public int ReopenMaximumDelayMilliseconds { get; set; } = 5000;
}
