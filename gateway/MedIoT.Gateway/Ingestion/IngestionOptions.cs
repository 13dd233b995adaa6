using System.ComponentModel.DataAnnotations;

namespace MedIoT.Gateway.Ingestion;

/// <summary>Limits applied to every incoming frame: section <c>Gateway:Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Ingestion";

    /// <summary>Largest accepted frame in bytes, 256–65536. Default 16384 (docs/device-protocol.md).</summary>
    [Range(256, 65_536)]
    public int MaxFrameBytes { get; set; } = 16_384;

    /// <summary>
    /// How many sequence numbers below a device's highest one are still accepted when they arrive late,
    /// 1–65536. Older ones are rejected as replays. Default 1024.
    /// </summary>
    [Range(1, 65_536)]
    public int ReplayWindow { get; set; } = 1024;

    /// <summary>
    /// Frames verified but not yet durable, 16–100000. When the store falls behind, ingestion waits
    /// (the broker holds the rest): vital signs are never dropped. Default 10000.
    /// </summary>
    [Range(16, 100_000)]
    public int PendingFrameCapacity { get; set; } = 10_000;

    /// <summary>How often the rejection totals are logged, in seconds, 10–86400. Default 60.</summary>
    [Range(10, 86_400)]
    public int RejectionSummaryIntervalSeconds { get; set; } = 60;
}
