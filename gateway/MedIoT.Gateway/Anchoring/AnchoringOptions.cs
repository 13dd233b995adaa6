using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Anchoring;

/// <summary>
/// Anchoring the journal's signed checkpoints in the hospital ledger (issue 8, docs/ledger-entry-format.md): section
/// <c>Gateway:Anchoring</c>. Ingestion never waits on anchoring; a ledger outage only grows the unanchored backlog.
/// </summary>
public sealed class AnchoringOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Anchoring";

    /// <summary>
    /// The ledger service's base address (http:// or https://, for example <c>http://ledger.hospital.example:8443/</c>).
    /// Empty (the default) disables anchoring.
    /// </summary>
    public string LedgerUrl { get; set; } = "";

    /// <summary>
    /// The ledger's note verifier key (<c>&lt;origin&gt;+&lt;key id&gt;+&lt;base64&gt;</c>), optional. When set, every receipt
    /// the ledger returns must carry the ledger's valid signature on a ledger checkpoint whose origin is the key's name
    /// (the key pins the ledger) before it is kept; without it the gateway checks only that the receipt's inclusion proof
    /// leads from its checkpoint to the receipt's ledger root. Default empty.
    /// </summary>
    public string LedgerKey { get; set; } = "";

    /// <summary>How often the journal's kept checkpoints are checked for new ones, in milliseconds, 20–3600000. Default 2000.</summary>
    [Range(20, 3_600_000)]
    public int PollIntervalMilliseconds { get; set; } = 2000;

    /// <summary>How long one request to the ledger may take, in seconds, 1–300. Default 10.</summary>
    [Range(1, 300)]
    public int RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>The first retry delay after a failed submission, in milliseconds, 10–600000 (doubles, jittered). Default 500.</summary>
    [Range(10, 600_000)]
    public int RetryInitialDelayMilliseconds { get; set; } = 500;

    /// <summary>The longest retry delay, in milliseconds, 10–3600000. Default 60000.</summary>
    [Range(10, 3_600_000)]
    public int RetryMaximumDelayMilliseconds { get; set; } = 60_000;

    /// <summary>Whether anchoring is enabled (a ledger address is set).</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(LedgerUrl);
}
