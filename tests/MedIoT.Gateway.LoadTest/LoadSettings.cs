namespace MedIoT.Gateway.LoadTest;

/// <summary>One load run: <paramref name="Devices"/> devices sending <paramref name="FramesPerSecond"/> frames in total.</summary>
internal sealed record LoadSettings(int Devices, int FramesPerSecond, int Seconds, int WarmupSeconds);
