namespace MedIoT.Gateway.Alerts.Delivery.Webhooks;

/// <summary>What one delivery attempt came to.</summary>
internal enum WebhookOutcome
{
    /// <summary>2xx: delivered; the entry is deleted.</summary>
    Delivered,

    /// <summary>A network error, a timeout, 408, 429 or 5xx: tried again later.</summary>
    Retry,

    /// <summary>Any other status (4xx, or a 3xx redirect, which is not followed): counted, logged and deleted.</summary>
    PermanentFailure,
}
