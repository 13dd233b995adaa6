using MedIoT.Alerts;

namespace MedIoT.Gateway.Alerts.Api;

/// <summary>The body of <c>POST /alarms/{id}/acknowledge</c> (docs/alerts.md §7): <c>{"staffId":"nurse.jones"}</c>.</summary>
/// <param name="StaffId">Who acknowledges; <see langword="default"/> when the member is absent.</param>
internal sealed record AcknowledgeRequest(StaffId StaffId);
