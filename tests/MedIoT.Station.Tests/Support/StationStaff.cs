namespace MedIoT.Station.Tests.Support;

/// <summary>
/// The people of the station's test ward: some in the gateway's local accounts file, some at the hospital's OpenID Connect
/// provider (whose <c>roles</c> claim carries hospital group names that the gateway's role map turns into station roles).
/// </summary>
internal static class StationStaff
{
    /// <summary>A nurse at the hospital's provider (group <see cref="NurseGroup"/>).</summary>
    public const string Nurse = "nurse.nora";

    public const string NursePassword = "nora-password-7a";

    /// <summary>A viewer at the hospital's provider (group <see cref="ViewerGroup"/>).</summary>
    public const string HospitalViewer = "viewer.vic";

    public const string HospitalViewerPassword = "vic-password-7a";

    /// <summary>A physician in the local accounts file.</summary>
    public const string Physician = "dr.okafor";

    public const string PhysicianPassword = "okafor-local-password";

    /// <summary>A viewer in the local accounts file.</summary>
    public const string Viewer = "viewer.lee";

    public const string ViewerPassword = "lee-local-password";

    /// <summary>The ward's IT in the local accounts file.</summary>
    public const string It = "it.ines";

    public const string ItPassword = "ines-local-password";

    /// <summary>The hospital group that the gateway maps to the nurse role.</summary>
    public const string NurseGroup = "ward-7a-nurses";

    /// <summary>The hospital group that the gateway maps to the viewer role.</summary>
    public const string ViewerGroup = "ward-7a-viewers";
}
