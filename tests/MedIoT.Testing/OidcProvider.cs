using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedIoT.Testing;

/// <summary>
/// A real OpenID Connect provider on a free loopback port: the certified npm package <c>oidc-provider</c> run by Node.js
/// from <c>tests/MedIoT.Testing/Oidc</c> (installed by <c>configs/install.sh</c>), configured with the clients and accounts
/// of <see cref="OidcProviderOptions"/> and an RSA signing key made for this run. Staff sign in on its own page
/// (<see cref="SignInPage"/>) through the authorization-code flow with PKCE; machine clients get JWT access tokens for
/// <see cref="Audience"/> with <c>client_credentials</c> (<see cref="GetClientCredentialsTokenAsync"/>).
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly TemporaryDirectory _folder;
    private readonly HttpClient _http;
    private ServerProcess? _process;

    private OidcProvider(TemporaryDirectory folder, int port, string audience)
    {
        _folder = folder;
        Port = port;
        Audience = audience;
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The loopback port the provider listens on.</summary>
    public int Port { get; }

    /// <summary>The issuer (<c>iss</c>) and authority: <c>http://127.0.0.1:PORT</c>, no trailing slash.</summary>
    public Uri Issuer => new($"http://127.0.0.1:{Port}");

    /// <summary>The discovery document (OpenID Connect Discovery 1.0 §4).</summary>
    public Uri DiscoveryUri => new($"{Issuer}.well-known/openid-configuration");

    /// <summary>The token endpoint, read from the discovery document at start.</summary>
    public Uri TokenEndpoint { get; private set; } = null!;

    /// <summary>The authorization endpoint, read from the discovery document at start.</summary>
    public Uri AuthorizationEndpoint { get; private set; } = null!;

    /// <summary>The end-session endpoint (RP-initiated logout), read from the discovery document at start.</summary>
    public Uri EndSessionEndpoint { get; private set; } = null!;

    /// <summary>The signing keys' public JWKS, read from the discovery document at start.</summary>
    public Uri JwksUri { get; private set; } = null!;

    /// <summary>The audience of the JWT access tokens the provider issues (<see cref="OidcProviderOptions.Audience"/>).</summary>
    public string Audience { get; }

    /// <summary>
    /// The selectors of the provider's sign-in page, where an authorization request lands a browser that is not signed in
    /// there: type the account name and password, then click the button; a refused sign-in stays on the page (401) with
    /// an alert. Its end-session endpoint shows a page with one button that confirms the sign-out.
    /// </summary>
    public static OidcSignInPage SignInPage { get; } = new("#username", "#password", "#sign-in", "#error", "#sign-out");

    /// <summary>The provider's recent output (Node.js warnings, refused sign-ins, errors), for failure messages.</summary>
    public string RecentOutput => _process?.RecentOutput ?? string.Empty;

    /// <summary>Starts the provider and waits until its discovery document answers with its issuer.</summary>
    /// <exception cref="InvalidOperationException">Node.js or the provider's npm packages are missing, or it did not start.</exception>
    public static async Task<OidcProvider> StartAsync(OidcProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var node = ServerBinary.Require("node", "nodejs");
        var program = RequireProgram();
        var folder = TemporaryDirectory.Create("oidc");
        using var signingKey = RSA.Create(2048);
        var jwks = SigningKeySet(signingKey);
        return await FreeTcpPort.StartWithRetriesAsync("oidc-provider", folder, async () =>
        {
            var port = FreeTcpPort.Next();
            var provider = new OidcProvider(folder, port, options.Audience);
            var configurationPath = folder.Combine("provider.json");
            // The file holds the signing key, client secrets and passwords; a retry on a new port writes it anew.
            File.Delete(configurationPath);
            OwnerOnlyTextFile.Write(configurationPath, Render(provider.Issuer, port, jwks, options));
            try
            {
                provider._process = await ServerProcess.StartAsync(
                    "oidc-provider", node, [program, configurationPath], "oidc-provider listening on", s_startTimeout,
                    workingDirectory: Path.GetDirectoryName(program)).ConfigureAwait(false);
                await provider.ReadDiscoveryAsync().ConfigureAwait(false);
                return provider;
            }
            catch (InvalidOperationException)
            {
                await provider.StopProcessAsync().ConfigureAwait(false);
                provider._http.Dispose();
                throw;
            }
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Gets a JWT access token for <paramref name="audience"/> with the <c>client_credentials</c> grant (RFC 6749 §4.4, the
    /// audience as RFC 8707 <c>resource</c>), authenticating with HTTP Basic (RFC 6749 §2.3.1).
    /// </summary>
    /// <exception cref="InvalidOperationException">The provider refused; the message carries its error (never the secret).</exception>
    public async Task<string> GetClientCredentialsTokenAsync(string clientId, string clientSecret, string audience)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("resource", audience)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret)}")));
        return await ReadAccessTokenAsync(request, clientId).ConfigureAwait(false);
    }

    /// <summary>
    /// Redeems an authorization code at the token endpoint (RFC 6749 §4.1.3 with the RFC 7636 §4.5 <c>code_verifier</c>),
    /// authenticating with <c>client_secret_post</c>; returns the token response (<c>id_token</c>, <c>access_token</c>).
    /// </summary>
    public async Task<JsonObject> RedeemCodeAsync(string clientId, string clientSecret, string code, Uri redirectUri, string codeVerifier)
    {
        ArgumentNullException.ThrowIfNull(redirectUri);
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenEndpoint)
        {
            Content = new FormUrlEncodedContent([
                new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", redirectUri.ToString()),
                new("code_verifier", codeVerifier), new("client_id", clientId), new("client_secret", clientSecret)]),
        };
        return await PostTokenRequestAsync(request, clientId).ConfigureAwait(false);
    }

    /// <summary>Returns once the provider has printed a line containing <paramref name="text"/> (e.g. a refused sign-in).</summary>
    /// <exception cref="InvalidOperationException">No such line within <paramref name="timeout"/>.</exception>
    public Task WaitForOutputAsync(string text, TimeSpan timeout) =>
        (_process ?? throw new InvalidOperationException("oidc-provider is not running.")).WaitForOutputAsync(text, timeout);

    /// <summary>Stops the provider (SIGTERM by process id).</summary>
    public Task StopAsync() => StopProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync().ConfigureAwait(false);
        _http.Dispose();
        _folder.Dispose();
    }

    private static string RequireProgram()
    {
        var folder = Path.Combine(RepositoryLayout.Root, "tests", "MedIoT.Testing", "Oidc");
        var program = Path.Combine(folder, "provider.mjs");
        if (!File.Exists(Path.Combine(folder, "node_modules", "oidc-provider", "package.json")))
        {
            throw new InvalidOperationException(
                $"The npm package oidc-provider is not installed in '{folder}'. Run configs/install.sh (it runs 'npm ci' there).");
        }

        return program;
    }

    /// <summary>The signing key as a private JWKS (RFC 7517 §5, RSA members of RFC 7518 §6.3), the only key the provider signs with.</summary>
    private static JsonObject SigningKeySet(RSA key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: true);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            ["n"] = Base64Url.EncodeToString(parameters.Modulus!),
            ["e"] = Base64Url.EncodeToString(parameters.Exponent!),
            ["d"] = Base64Url.EncodeToString(parameters.D!),
            ["p"] = Base64Url.EncodeToString(parameters.P!),
            ["q"] = Base64Url.EncodeToString(parameters.Q!),
            ["dp"] = Base64Url.EncodeToString(parameters.DP!),
            ["dq"] = Base64Url.EncodeToString(parameters.DQ!),
            ["qi"] = Base64Url.EncodeToString(parameters.InverseQ!),
        };
        return new JsonObject { ["keys"] = new JsonArray(jwk) };
    }

    private static string Render(Uri issuer, int port, JsonObject jwks, OidcProviderOptions options)
    {
        static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(value => JsonValue.Create(value))]);

        var clients = options.Clients.Select(client => new JsonObject
        {
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
            ["grant_types"] = Strings(client.GrantTypes),
            ["response_types"] = Strings(client.GrantTypes.Contains("authorization_code") ? ["code"] : []),
            ["redirect_uris"] = Strings(client.RedirectUris.Select(uri => uri.ToString())),
            ["post_logout_redirect_uris"] = Strings(client.PostLogoutRedirectUris.Select(uri => uri.ToString())),
            ["token_endpoint_auth_method"] = client.TokenEndpointAuthMethod,
            ["claims"] = client.StaffName is null ? new JsonObject()
                : new JsonObject { ["preferred_username"] = client.StaffName, ["roles"] = Strings(client.Roles) },
        });
        var accounts = options.Accounts.Select(account =>
        {
            var claims = new JsonObject { ["preferred_username"] = account.Name, ["name"] = account.Name, ["roles"] = Strings(account.Roles) };
            if (account.Groups is { Count: > 0 } groups)
            {
                claims["groups"] = Strings(groups);
            }

            return new JsonObject { ["id"] = account.Name, ["password"] = account.Password, ["claims"] = claims };
        });
        var settings = new JsonObject
        {
            ["issuer"] = issuer.ToString().TrimEnd('/'),
            ["port"] = port,
            ["jwks"] = jwks.DeepClone(),
            ["cookieKeys"] = Strings([Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))]),
            ["audience"] = options.Audience,
            ["audienceScope"] = options.AudienceScope,
            ["clients"] = new JsonArray([.. clients]),
            ["accounts"] = new JsonArray([.. accounts]),
        };
        return settings.ToJsonString();
    }

    private async Task ReadDiscoveryAsync()
    {
        using var response = await _http.GetAsync(DiscoveryUri).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"oidc-provider answered {(int)response.StatusCode} for its discovery document: {body}");
        }

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var issuer = root.GetProperty("issuer").GetString();
        if (issuer != Issuer.ToString().TrimEnd('/'))
        {
            throw new InvalidOperationException($"oidc-provider's discovery document names the issuer '{issuer}', not '{Issuer}'.");
        }

        TokenEndpoint = new Uri(root.GetProperty("token_endpoint").GetString()!);
        AuthorizationEndpoint = new Uri(root.GetProperty("authorization_endpoint").GetString()!);
        JwksUri = new Uri(root.GetProperty("jwks_uri").GetString()!);
        EndSessionEndpoint = new Uri(root.GetProperty("end_session_endpoint").GetString()!);
    }

    private async Task<string> ReadAccessTokenAsync(HttpRequestMessage request, string clientId)
    {
        var response = await PostTokenRequestAsync(request, clientId).ConfigureAwait(false);
        return response["access_token"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"oidc-provider's token response for '{clientId}' has no access_token.");
    }

    private async Task<JsonObject> PostTokenRequestAsync(HttpRequestMessage request, string clientId)
    {
        using var response = await _http.SendAsync(request).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"oidc-provider refused the token request of '{clientId}' with {(int)response.StatusCode}: {body}"));
        }

        return JsonNode.Parse(body)?.AsObject() ?? throw new InvalidOperationException($"oidc-provider's token response is not JSON: {body}");
    }

    private async Task StopProcessAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
            _process = null;
        }
    }
}
