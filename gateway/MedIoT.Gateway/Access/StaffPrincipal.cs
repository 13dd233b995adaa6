using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using MedIoT.Alerts;

namespace MedIoT.Gateway.Access;

/// <summary>
/// The principal of a signed-in person or client: its staff id as <see cref="ClaimTypes.Name"/>, its roles as
/// <see cref="ClaimTypes.Role"/>, and nothing else (the cookie stays small, and no claim of a provider leaks into it).
/// </summary>
internal static class StaffPrincipal
{
    /// <summary>The principal for <paramref name="staffId"/> with <paramref name="roles"/>, authenticated by <paramref name="method"/>.</summary>
    public static ClaimsPrincipal Create(string staffId, IEnumerable<string> roles, string method)
    {
        List<Claim> claims = [new(ClaimTypes.Name, staffId)];
        claims.AddRange(roles.Distinct(StringComparer.Ordinal).Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, method, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>
    /// Maps a principal the hospital's provider vouched for: the staff id from <see cref="OidcOptions.StaffIdClaim"/>
    /// (else <c>sub</c>), roles from the values of <see cref="OidcOptions.RoleClaim"/> through <see cref="OidcOptions.RoleMap"/>.
    /// False with a reason (naming claims, never their values) when the staff id is not valid or no role maps.
    /// </summary>
    public static bool TryMap(ClaimsPrincipal external, OidcOptions options, string method,
        [NotNullWhen(true)] out ClaimsPrincipal? mapped, [NotNullWhen(false)] out string? reason)
    {
        mapped = null;
        var staffId = external.FindFirst(options.StaffIdClaim)?.Value ?? external.FindFirst("sub")?.Value;
        if (!StaffId.TryCreate(staffId, out _))
        {
            reason = $"the claim '{options.StaffIdClaim}' (or 'sub') is not a staff id of 1-{StaffId.MaxLength} of A-Z a-z 0-9 . _ @ -";
            return false;
        }

        var roles = external.FindAll(options.RoleClaim)
            .Select(claim => options.RoleMap.TryGetValue(claim.Value, out var role) ? role : null)
            .OfType<string>()
            .ToList();
        if (roles.Count == 0)
        {
            reason = $"no value of the claim '{options.RoleClaim}' is in Gateway:Access:Oidc:RoleMap";
            return false;
        }

        mapped = Create(staffId!, roles, method);
        reason = null;
        return true;
    }
}
