using MedIoT.Protocol.Frames;

namespace MedIoT.Gateway.Ingestion;

/// <summary>What became of one incoming frame.</summary>
public readonly record struct IngestionOutcome
{
    private IngestionOutcome(VerifiedFrame? frame, bool duplicate, FrameRejectionReason reason, string? deviceId, string? detail)
    {
        Frame = frame;
        IsDuplicate = duplicate;
        Reason = reason;
        DeviceId = deviceId;
        Detail = detail;
    }

    /// <summary>The accepted frame; null when duplicate or rejected.</summary>
    public VerifiedFrame? Frame { get; }

    /// <summary>A redelivery of a frame already accepted.</summary>
    public bool IsDuplicate { get; }

    /// <summary>Why the frame was rejected; <see cref="FrameRejectionReason.None"/> otherwise.</summary>
    public FrameRejectionReason Reason { get; }

    /// <summary>The device the frame claims to come from, when it could be read.</summary>
    public string? DeviceId { get; }

    /// <summary>A short explanation of a rejection, never containing payload values.</summary>
    public string? Detail { get; }

    public static IngestionOutcome Accepted(VerifiedFrame frame) => new(frame, false, FrameRejectionReason.None, frame.Device.DeviceId, null);

    public static IngestionOutcome Duplicate(string deviceId) => new(null, true, FrameRejectionReason.None, deviceId, null);

    public static IngestionOutcome Rejected(FrameRejectionReason reason, string? deviceId, string? detail) => new(null, false, reason, deviceId, detail);
}
