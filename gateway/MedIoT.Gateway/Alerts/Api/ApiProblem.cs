namespace MedIoT.Gateway.Alerts.Api;

/// <summary>Why a request was refused.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Reason">A fixed reason for the log and counter (never a value from the request).</param>
/// <param name="Detail">The message for the caller (RFC 9457 <c>detail</c>); may name a member, never echoes a value.</param>
internal sealed record ApiProblem(int Status, string Reason, string Detail);
