using System.Globalization;

namespace MedIoT.Gateway.LoadTest;

/// <summary>What a load run measured.</summary>
internal sealed record LoadResult(
    double OfferedFramesPerSecond,
    double JournaledFramesPerSecond,
    double StoredReadingsPerSecond,
    double LatencyP50Milliseconds,
    double LatencyP99Milliseconds,
    long PeakResidentBytes,
    long FramesPublished,
    long FramesJournaled,
    double DrainSeconds,
    double GatewayCpuMillisecondsPerThousandFrames,
    StationResult? Stations)
{
    public string Format(LoadSettings settings) => string.Create(CultureInfo.InvariantCulture,
        $"""
        | devices | offered frames/s | journaled frames/s | stored readings/s | receive-to-durable p50 | p99 | gateway peak RSS | frames published / journaled | drain after stop | gateway CPU per 1,000 frames |
        |---|---|---|---|---|---|---|---|---|---|
        | {settings.Devices} | {OfferedFramesPerSecond:0} | {JournaledFramesPerSecond:0} | {StoredReadingsPerSecond:0} | {LatencyP50Milliseconds:0.00} ms | {LatencyP99Milliseconds:0.00} ms | {PeakResidentBytes / 1048576.0:0.0} MB | {FramesPublished} / {FramesJournaled} | {DrainSeconds:0.0} s | {GatewayCpuMillisecondsPerThousandFrames:0} ms |
        """) + (Stations is null ? string.Empty : Environment.NewLine + Stations.Format());
}
