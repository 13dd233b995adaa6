using System.Security.Claims;
using MedIoT.Gateway.Access;

namespace MedIoT.Gateway.Station;

/// <summary>What a signed-in principal's roles let it see and do on the station (the policies of <see cref="AccessPolicies"/>).</summary>
internal static class StationRoles
{
    /// <summary>Sees the care team's beds and alarms (<see cref="AccessPolicies.SeeWard"/>).</summary>
    public static bool SeesWard(ClaimsPrincipal user) =>
        user.IsInRole(StaffRoles.Nurse) || user.IsInRole(StaffRoles.Physician) || user.IsInRole(StaffRoles.Viewer);

    /// <summary>Acknowledges and records observations (<see cref="AccessPolicies.ActOnWard"/>).</summary>
    public static bool MayAct(ClaimsPrincipal user) => user.IsInRole(StaffRoles.Nurse) || user.IsInRole(StaffRoles.Physician);

    /// <summary>Sees the IT view and the IT channel's alarms (<see cref="AccessPolicies.SeeIt"/>).</summary>
    public static bool SeesIt(ClaimsPrincipal user) => user.IsInRole(StaffRoles.It);
}
