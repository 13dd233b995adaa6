using System.ComponentModel.DataAnnotations;
using MedIoT.Ledger.Anchoring;

namespace MedIoT.Ledger.Witness.Configuration;

/// <summary>
/// The witness's settings: section <c>Witness</c> of its settings file (configs/witness.json documents each one with its
/// default). Relative paths are resolved against the settings file's folder.
/// </summary>
public sealed class WitnessOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Witness";

    /// <summary>
    /// The witness's name: the key name of its cosignatures (C2SP tlog-cosignature), a schema-less URL by convention,
    /// for example <c>witness.mediot.example/w1</c>. Required.
    /// </summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>
    /// The witness's Ed25519 private key: a private OKP JWK (RFC 8037) with mode 0600 or 0400, written by
    /// <c>mediot-witness keygen</c>. The witness refuses to start when group or others may read it. Required.
    /// </summary>
    [Required]
    public string KeyFile { get; set; } = "";

    /// <summary>
    /// The folder of the cosigned state: one file per log, holding the latest checkpoint cosigned for it. Created with
    /// mode 0700 when missing. Required; losing it lets the witness be rolled back, so back it up with the key.
    /// </summary>
    [Required]
    public string StateFolder { get; set; } = "";

    /// <summary>
    /// The folder where refused but validly signed inconsistent checkpoints are kept as evidence (docs/witness.md,
    /// "Evidence"). Created with mode 0700 when missing. Required.
    /// </summary>
    [Required]
    public string EvidenceFolder { get; set; } = "";

    /// <summary>
    /// The most evidence files kept; once reached, further evidence is counted and logged but not written, so the first
    /// proofs of misbehaviour are never overwritten. Each file is at most about 270 KiB (two notes and a proof, JSON-escaped). Default 1,000.
    /// </summary>
    [Range(1, 100_000)]
    public int MaximumEvidenceFiles { get; set; } = 1000;

    /// <summary>
    /// Where the witness listens, as <c>http://address:port</c>. Default <c>http://127.0.0.1:8090</c> (loopback); use
    /// <c>http://0.0.0.0:8090</c> to listen on every interface. Port 0 picks a free port (tests).
    /// </summary>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:8090");

    /// <summary>
    /// Whether <c>GET /metrics</c> (Prometheus text format, docs/metrics.md) is served beside add-checkpoint. Default
    /// <see langword="true"/>: counts only, like <c>/health</c>; <see langword="false"/> removes the route and the collection behind it.
    /// </summary>
    public bool MetricsEnabled { get; set; } = true;

    /// <summary>
    /// The largest add-checkpoint body accepted, in bytes; larger bodies get 413. Default and maximum 69,632 (the
    /// largest signed note, 64 KiB, plus a full 63-line proof), the limit of <see cref="AddCheckpointRequest"/>.
    /// </summary>
    [Range(1024, AddCheckpointRequest.MaxBodyBytes)]
    public int MaximumRequestBodyBytes { get; set; } = AddCheckpointRequest.MaxBodyBytes;

    /// <summary>The logs this witness cosigns for, each an origin and the public keys trusted to sign its checkpoints. At least one.</summary>
    [Required]
    [MinLength(1)]
    public IList<TrustedLogOptions> Logs { get; } = [];
}
