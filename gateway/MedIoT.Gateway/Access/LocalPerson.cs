namespace MedIoT.Gateway.Access;

/// <summary>A person of the local accounts file: a staff id, roles, and a salted PBKDF2 hash of the password (docs/accounts.md §2).</summary>
/// <param name="Name">The staff id, also the sign-in name.</param>
/// <param name="Roles">One or more of <see cref="StaffRoles.All"/>.</param>
/// <param name="Password">The password's hash.</param>
internal sealed record LocalPerson(string Name, IReadOnlyList<string> Roles, PasswordHash Password);
