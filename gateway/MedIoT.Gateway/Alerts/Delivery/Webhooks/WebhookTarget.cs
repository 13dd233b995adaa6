namespace MedIoT.Gateway.Alerts.Delivery.Webhooks;

/// <summary>One configured webhook, ready to deliver.</summary>
/// <param name="Name">Its name (logs, outbox folder).</param>
/// <param name="Url">Where events are POSTed.</param>
/// <param name="Channel">Which alarms it receives.</param>
/// <param name="Secret">The HMAC key; never logged.</param>
/// <param name="Outbox">Its persistent outbox.</param>
internal sealed record WebhookTarget(string Name, Uri Url, AlarmChannel Channel, byte[] Secret, WebhookOutbox Outbox)
{
    /// <inheritdoc />
    public override string ToString() => $"webhook {Name} ({Url})";
}
