namespace MedIoT.Gateway.LoadTest;

/// <summary>One load run: <paramref name="Devices"/> devices sending <paramref name="FramesPerSecond"/> frames in total.</summary>
/// <param name="Devices">How many simulated devices publish.</param>
/// <param name="FramesPerSecond">The total publishing rate of all devices.</param>
/// <param name="Seconds">How long the measured part of the run lasts.</param>
/// <param name="WarmupSeconds">How long the devices publish before the measurement starts.</param>
/// <param name="MemoryLogSeconds">
/// When above 0, the gateway logs its memory (resident set, GC heap, queue depths; event 90, debug level) every so many
/// seconds and the harness prints those lines after the run: a diagnosis aid, off for the benchmark's numbers.
/// </param>
internal sealed record LoadSettings(int Devices, int FramesPerSecond, int Seconds, int WarmupSeconds, int MemoryLogSeconds = 0);
