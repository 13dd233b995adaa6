using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Hosting;

/// <summary>
/// How the gateway keeps its native (malloc) heap small: section <c>Gateway:Memory</c>. glibc gives threads their own
/// malloc arenas (up to 8 per core) and keeps freed memory inside an arena resident; the JIT's short-lived compile buffers
/// and OpenSSL's per-hash allocations on many thread-pool threads leave tens of MB free but resident under load
/// (docs/benchmarks/ingest.md, "Native heap"). Has no effect with a C library other than glibc.
/// </summary>
public sealed class MemoryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Memory";

    /// <summary>
    /// At most this many glibc malloc arenas (<c>mallopt(M_ARENA_MAX)</c>, as <c>MALLOC_ARENA_MAX</c> would), 0–64; 0 leaves
    /// glibc's default (8 per core). Default 2: the gateway's native allocations are few and short (hashing, compression,
    /// the JIT), so two arenas hardly contend, while each further arena keeps its own free memory resident.
    /// </summary>
    [Range(0, 64)]
    public int MallocArenas { get; set; } = 2;

    /// <summary>
    /// How often free native memory is handed back to the system (<c>malloc_trim(0)</c>), in seconds, 0–3600; 0 never.
    /// Default 1: a trim takes well under a millisecond and keeps the peak resident size close to what is in use.
    /// </summary>
    [Range(0, 3_600)]
    public int TrimIntervalSeconds { get; set; } = 1;
}
