namespace MedIoT.Testing;

/// <summary>The CSS selectors of <see cref="OidcProvider"/>'s sign-in page and of its sign-out page.</summary>
/// <param name="AccountName">The account name field.</param>
/// <param name="Password">The password field.</param>
/// <param name="SignIn">The submit button.</param>
/// <param name="Error">The alert shown after a refused sign-in.</param>
/// <param name="SignOut">The confirming button of the page <see cref="OidcProvider.EndSessionEndpoint"/> shows (RP-initiated logout).</param>
public sealed record OidcSignInPage(string AccountName, string Password, string SignIn, string Error, string SignOut);
