namespace MedIoT.Alerts.Technical;

/// <summary>How full the gateway's queue of frames verified but not yet durable is.</summary>
/// <param name="PendingFrames">Frames waiting, 0–<paramref name="Capacity"/>.</param>
/// <param name="Capacity">The queue's capacity, &gt; 0.</param>
public sealed record GatewayBacklogLevel(int PendingFrames, int Capacity) : AlarmInput;
