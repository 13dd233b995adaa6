using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Security;

/// <summary>Verification refused a frame for a security reason; the alarm goes to IT, never to nurses.</summary>
/// <param name="Reason">
/// One of the security reasons of <see cref="FrameRejectionReason"/>: BadSignature, KeyIdMismatch, UnknownDevice,
/// RevokedDevice, TopicMismatch, ReplayedSequence, SequenceConflict.
/// </param>
/// <param name="DeviceId">The device the frame claims to come from (never trusted, only a label).</param>
/// <param name="Bed">The registered device's bed, when known.</param>
public sealed record SecurityEvent(FrameRejectionReason Reason, string DeviceId, BedLocation? Bed) : AlarmInput
{
    /// <summary>Whether <paramref name="reason"/> is a security reason.</summary>
    public static bool IsSecurityReason(FrameRejectionReason reason) => reason is FrameRejectionReason.BadSignature
        or FrameRejectionReason.KeyIdMismatch or FrameRejectionReason.UnknownDevice or FrameRejectionReason.RevokedDevice
        or FrameRejectionReason.TopicMismatch or FrameRejectionReason.ReplayedSequence or FrameRejectionReason.SequenceConflict;
}
