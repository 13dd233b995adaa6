using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Security;

/// <summary>
/// Verification refused a frame for a security reason; the alarm goes to IT, never to nurses. The device id is only what
/// the refused frame <em>claims</em> (anyone on the ward network can put any id in a frame or a topic): the alarm names it
/// as a claim and is never attached to the bed that device is registered to.
/// </summary>
/// <param name="Reason">
/// One of the security reasons of <see cref="FrameRejectionReason"/>: BadSignature, KeyIdMismatch, UnknownDevice,
/// RevokedDevice, TopicMismatch, ReplayedSequence, SequenceConflict.
/// </param>
/// <param name="ClaimedDeviceId">The device the frame claims to come from (never trusted, only a label).</param>
public sealed record SecurityEvent(FrameRejectionReason Reason, string ClaimedDeviceId) : AlarmInput
{
    /// <summary>Whether <paramref name="reason"/> is a security reason.</summary>
    public static bool IsSecurityReason(FrameRejectionReason reason) => reason is FrameRejectionReason.BadSignature
        or FrameRejectionReason.KeyIdMismatch or FrameRejectionReason.UnknownDevice or FrameRejectionReason.RevokedDevice
        or FrameRejectionReason.TopicMismatch or FrameRejectionReason.ReplayedSequence or FrameRejectionReason.SequenceConflict;
}
