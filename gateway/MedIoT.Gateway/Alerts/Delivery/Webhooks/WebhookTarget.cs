using MedIoT.Alerts;

namespace MedIoT.Gateway.Alerts.Delivery.Webhooks;

/// <summary>One configured webhook, ready to deliver.</summary>
/// <param name="Name">Its name (logs, outbox folder).</param>
/// <param name="Url">Where events are POSTed.</param>
/// <param name="Channel">Which alarms it receives.</param>
/// <param name="Secret">The HMAC key; never logged.</param>
/// <param name="Outbox">Its persistent outbox.</param>
/// <param name="EscalationLevel">0: every event of its channel; N: only events of alarms escalated to level N or higher.</param>
/// <param name="Ward">Only alarms of this ward; null: every alarm.</param>
internal sealed record WebhookTarget(string Name, Uri Url, AlarmChannel Channel, byte[] Secret, WebhookOutbox Outbox, int EscalationLevel = 0, WardId? Ward = null)
{
    /// <summary>Whether this webhook receives <paramref name="alarm"/>'s events.</summary>
    public bool Receives(Alarm alarm) =>
        alarm.Channel == Channel && alarm.EscalationLevel >= EscalationLevel && (Ward is null || alarm.Bed?.Ward == Ward);

    /// <inheritdoc />
    public override string ToString() => $"webhook {Name} ({Url})";
}
