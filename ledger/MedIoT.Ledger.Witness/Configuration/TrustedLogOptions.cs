using System.ComponentModel.DataAnnotations;

namespace MedIoT.Ledger.Witness.Configuration;

/// <summary>One log the witness cosigns for: an entry of <c>Witness:Logs</c>.</summary>
public sealed class TrustedLogOptions
{
    /// <summary>The log's origin, the first line of its checkpoints (for the ledger, e.g. <c>mediot.example/ledger</c>). Required.</summary>
    [Required]
    public string Origin { get; set; } = "";

    /// <summary>
    /// The log's C2SP signed-note verifier keys (<c>&lt;name&gt;+&lt;8 hex&gt;+&lt;base64(0x01 || key)&gt;</c>); a
    /// checkpoint must carry a valid signature by one of them. At least one.
    /// </summary>
    [Required]
    [MinLength(1)]
    public IList<string> Keys { get; } = [];
}
