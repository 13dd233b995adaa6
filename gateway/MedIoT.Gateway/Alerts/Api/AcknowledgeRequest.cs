namespace MedIoT.Gateway.Alerts.Api;

/// <summary>
/// The body of <c>POST /alarms/{id}/acknowledge</c> (docs/alerts.md §7): empty, or <c>{}</c>. It has no members: who
/// acknowledges is the signed-in identity, and a <c>staffId</c> member is refused.
/// </summary>
internal sealed record AcknowledgeRequest;
