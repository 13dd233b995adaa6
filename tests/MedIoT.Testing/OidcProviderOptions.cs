namespace MedIoT.Testing;

/// <summary>What the test <see cref="OidcProvider"/> knows when it starts: its clients, its accounts and the API audience.</summary>
public sealed class OidcProviderOptions
{
    private readonly List<OidcClient> _clients = [];
    private readonly List<OidcAccount> _accounts = [];

    /// <summary>
    /// The one resource (RFC 8707 resource indicator) the provider issues JWT access tokens for (RFC 9068); the tokens'
    /// <c>aud</c>. Also the default resource of an authorization request that names none.
    /// </summary>
    public string Audience { get; init; } = "api://mediot-gateway";

    /// <summary>The scope granted on <see cref="Audience"/>.</summary>
    public string AudienceScope { get; init; } = "mediot";

    /// <summary>The registered clients.</summary>
    public IReadOnlyList<OidcClient> Clients => _clients;

    /// <summary>The accounts that can sign in.</summary>
    public IReadOnlyList<OidcAccount> Accounts => _accounts;

    /// <summary>Registers a client (see <see cref="OidcClient.WebApplication"/>, <see cref="OidcClient.Machine"/>).</summary>
    public OidcProviderOptions AddClient(OidcClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (_clients.Any(known => known.ClientId == client.ClientId))
        {
            throw new ArgumentException($"The client '{client.ClientId}' is already registered.", nameof(client));
        }

        _clients.Add(client);
        return this;
    }

    /// <summary>Adds an account that can sign in on the provider's sign-in page.</summary>
    public OidcProviderOptions AddAccount(OidcAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (_accounts.Any(known => known.Name == account.Name))
        {
            throw new ArgumentException($"The account '{account.Name}' already exists.", nameof(account));
        }

        _accounts.Add(account);
        return this;
    }
}
