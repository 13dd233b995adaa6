using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Ingestion.Serial;

/// <summary>Serial ports the gateway reads devices from: section <c>Gateway:Serial</c> (docs/serial.md).</summary>
public sealed class SerialOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Serial";

    /// <summary>The ports, one device each. Default none.</summary>
    public List<SerialPortOptions> Ports { get; set; } = [];

    /// <summary>
    /// Where the gateway keeps the sequence numbers it gives attested readings (owner-only folder). A relative path
    /// is resolved against the folder of the settings file. Default <c>state/serial</c>.
    /// </summary>
    [Required]
    public string StateFolder { get; set; } = "state/serial";

    /// <summary>First delay before reopening a port that is gone, in milliseconds, 100–60000; doubled up to <see cref="ReopenMaximumDelayMilliseconds"/>. Default 500.</summary>
    [Range(100, 60_000)]
    public int ReopenInitialDelayMilliseconds { get; set; } = 500;

    /// <summary>Longest delay between attempts to reopen a port, in milliseconds, 100–300000. Default 5000.</summary>
    [Range(100, 300_000)]
    public int ReopenMaximumDelayMilliseconds { get; set; } = 5000;
}
