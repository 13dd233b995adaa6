namespace MedIoT.Gateway.Access;

/// <summary>
/// The authorization policies of the gateway's HTTP surface. Every route of the station and the alarm API names one;
/// a signed-out browser is sent to sign-in, a signed-out API client gets 401 and a signed-in one without the role 403.
/// The staff member of an acknowledgement or an observation is the principal's <see cref="System.Security.Claims.ClaimTypes.Name"/>
/// claim (a valid <c>StaffId</c>), never a value of the request body.
/// </summary>
public static class AccessPolicies
{
    /// <summary>See the ward: beds, vitals, alarms, trends, NEWS2 (nurse, physician, viewer).</summary>
    public const string SeeWard = "see-ward";

    /// <summary>Act on the ward: acknowledge alarms, record ACVPU, supplemental oxygen and the SpO2 scale (nurse, physician).</summary>
    public const string ActOnWard = "act-on-ward";

    /// <summary>The IT view and the IT channel's alarms (it).</summary>
    public const string SeeIt = "see-it";
}
