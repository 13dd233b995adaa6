using MedIoT.Cryptography;
using MedIoT.Hosting;

namespace MedIoT.Gateway.Access;

/// <summary>Checks <c>Gateway:Access</c> at start: the accounts file reads, the provider's settings hang together.</summary>
internal sealed class AccessOptionsValidator() : SettingsValidator<AccessOptions>(AccessOptions.SectionName)
{
    protected override void Check(AccessOptions options, SettingProblems problems)
    {
        if (options.AccountsPath.Length > 0 && !LocalAccounts.TryLoad(options.AccountsPath, out _, out var error))
        {
            problems.Add(nameof(AccessOptions.AccountsPath), options.AccountsPath, error + ".");
        }

        var oidc = options.Oidc;
        if (!oidc.Enabled)
        {
            return;
        }

        if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            problems.Add("Oidc:Authority", oidc.Authority, "must be the provider's absolute https:// issuer URL.");
        }
        else if (authority.Scheme == "http" && (oidc.RequireHttpsMetadata || !authority.IsLoopback))
        {
            problems.Add("Oidc:Authority", oidc.Authority, "must be https:// (an http:// provider only on loopback with Oidc:RequireHttpsMetadata=false, for tests).");
        }

        if (oidc.ClientId.Length == 0)
        {
            problems.Add("Oidc:ClientId", oidc.ClientId, "is required with Oidc:Authority: this gateway's client id at the provider.");
        }

        if (oidc.ClientSecretFile.Length > 0 && SecretFile.Problem(oidc.ClientSecretFile) is { } secretProblem)
        {
            problems.Add("Oidc:ClientSecretFile", oidc.ClientSecretFile, secretProblem);
        }

        if (oidc.RoleClaim.Length == 0 || oidc.StaffIdClaim.Length == 0)
        {
            problems.Add("Oidc:RoleClaim", oidc.RoleClaim, "and Oidc:StaffIdClaim must name claims (defaults roles and preferred_username).");
        }

        if (oidc.RoleMap.Count == 0)
        {
            problems.Add("Oidc:RoleMap", null, $"must map at least one value of the claim '{oidc.RoleClaim}' to a role ({string.Join(", ", StaffRoles.All)}); without it nobody could sign in.");
        }

        foreach (var (value, role) in oidc.RoleMap)
        {
            if (!StaffRoles.All.Contains(role, StringComparer.Ordinal))
            {
                problems.Add($"Oidc:RoleMap:{value}", role, $"must be one of {string.Join(", ", StaffRoles.All)}.");
            }
        }
    }
}
