namespace MedIoT.Testing;

/// <summary>
/// A person who can sign in at the test <see cref="OidcProvider"/>'s sign-in page. Their ID tokens and JWT access tokens
/// carry <c>sub</c> and <c>preferred_username</c> (= <paramref name="Name"/>), <c>roles</c> and, when given, <c>groups</c>.
/// </summary>
/// <param name="Name">The account name typed on the sign-in page.</param>
/// <param name="Password">The password typed on the sign-in page; never printed by <see cref="ToString"/>.</param>
/// <param name="Roles">The <c>roles</c> claim.</param>
/// <param name="Groups">The <c>groups</c> claim (left out when empty), for tests of a role map from hospital groups.</param>
public sealed record OidcAccount(string Name, string Password, IReadOnlyList<string> Roles, IReadOnlyList<string>? Groups = null)
{
    /// <summary>The account name only: a password never reaches a log or a failure message.</summary>
    public override string ToString() => Name;
}
