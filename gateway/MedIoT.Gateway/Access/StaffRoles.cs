namespace MedIoT.Gateway.Access;

/// <summary>
/// The roles a signed-in person or machine client holds (docs/station.md, "Roles"), as the values of
/// <see cref="System.Security.Claims.ClaimTypes.Role"/> claims on the principal. A principal may hold several.
/// </summary>
public static class StaffRoles
{
    /// <summary>Sees the ward, acknowledges alarms, records observations.</summary>
    public const string Nurse = "nurse";

    /// <summary>Sees the ward, acknowledges alarms, records observations.</summary>
    public const string Physician = "physician";

    /// <summary>Sees the ward; changes nothing.</summary>
    public const string Viewer = "viewer";

    /// <summary>Sees the IT view: gateway health, devices, ports, backlog, anchoring and the IT channel's security alarms.</summary>
    public const string It = "it";

    /// <summary>Every role, in the order documents list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Nurse, Physician, Viewer, It];
}
