namespace MedIoT.Gateway.Access;

/// <summary>A machine client's API token of the local accounts file: its name (the staff id it acts as), roles and the token's SHA-256 (docs/accounts.md §3).</summary>
/// <param name="Name">The staff id of the client.</param>
/// <param name="Roles">One or more of <see cref="StaffRoles.All"/>.</param>
/// <param name="Sha256">SHA-256 of the token's UTF-8 text, 32 bytes.</param>
internal sealed record LocalApiToken(string Name, IReadOnlyList<string> Roles, byte[] Sha256);
