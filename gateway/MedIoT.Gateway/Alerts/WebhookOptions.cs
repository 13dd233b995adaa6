using MedIoT.Alerts;

namespace MedIoT.Gateway.Alerts;

/// <summary>One webhook receiving alarm events (an entry of <c>Gateway:Alerts:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>A name for logs and the outbox folder: 1–32 of A–Z a–z 0–9 . _ -, unique.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The absolute http:// or https:// address alarm events are POSTed to.</summary>
    public Uri? Url { get; set; }

    /// <summary>Which alarms it receives: <c>CareTeam</c> (physiological and technical, the default) or <c>InformationTechnology</c> (security).</summary>
    public AlarmChannel Channel { get; set; } = AlarmChannel.CareTeam;

    /// <summary>
    /// 0 (the default): every event of its channel. 1–10: an escalation recipient, receiving only the events of alarms
    /// that reached this escalation level or a higher one (the escalated event and the alarm's later events).
    /// </summary>
    public int EscalationLevel { get; set; }

    /// <summary>Only alarms of this ward (1–32 of A–Z a–z 0–9 . _ -); unset: every ward and the gateway-wide alarms.</summary>
    public string? Ward { get; set; }

    /// <summary>A file holding the HMAC secret (owner-only permissions, at least 32 bytes), relative to the settings folder.</summary>
    public string? SecretFile { get; set; }

    /// <summary>Or the name of an environment variable holding the secret (at least 32 characters).</summary>
    public string? SecretEnvironmentVariable { get; set; }
}
