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
/// <param name="Stations">
/// When above 0, that many stations follow the live events and one reads the overview every 250 ms during the measured
/// part (<see cref="StationLoad"/>, docs/benchmarks/station.md); 0 (the default) runs no station.
/// </param>
/// <param name="AlarmPeriodSeconds">
/// When above 0, stable beds whose temperature alarm is raised and resolved once every so many seconds (<see cref="WardValues"/>);
/// 0 (the default) keeps the ingest benchmark's random values.
/// </param>
internal sealed record LoadSettings(int Devices, int FramesPerSecond, int Seconds, int WarmupSeconds, int MemoryLogSeconds = 0, int Stations = 0, int AlarmPeriodSeconds = 0);
