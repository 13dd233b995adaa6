using System.Net;
using System.Text.Json.Nodes;
using MedIoT.Testing;

namespace MedIoT.Station.Tests.Fixtures;

/// <summary>The test OpenID Connect provider (MedIoT.Testing's <see cref="OidcProvider"/>) without a browser.</summary>
public sealed class OidcProviderTests
{
    private const string Audience = "api://mediot-gateway-test";
    private static readonly Uri s_redirectUri = new("http://127.0.0.1:9/station/sign-in/callback");

    [Fact]
    public async Task Discovery_names_the_loopback_issuer_S256_PKCE_and_both_grants()
    {
        await using var provider = await OidcProvider.StartAsync(Options());
        using var http = new HttpClient();

        var discovery = JsonNode.Parse(await http.GetStringAsync(provider.DiscoveryUri))!;

        Assert.Equal($"http://127.0.0.1:{provider.Port}", discovery["issuer"]!.GetValue<string>());
        Assert.Equal(provider.Issuer, new Uri(discovery["issuer"]!.GetValue<string>()));
        Assert.Equal(["S256"], Strings(discovery["code_challenge_methods_supported"]));
        Assert.Contains("authorization_code", Strings(discovery["grant_types_supported"]));
        Assert.Contains("client_credentials", Strings(discovery["grant_types_supported"]));
        Assert.StartsWith(provider.Issuer.ToString(), provider.TokenEndpoint.ToString(), StringComparison.Ordinal);
        var keys = JsonNode.Parse(await http.GetStringAsync(provider.JwksUri))!["keys"]!.AsArray();
        var key = Assert.Single(keys)!;
        Assert.Equal("RSA", key["kty"]!.GetValue<string>());
        Assert.Null(key["d"]);
    }

    [Fact]
    public async Task Client_credentials_token_is_a_JWT_for_the_audience_signed_with_the_providers_key()
    {
        await using var provider = await OidcProvider.StartAsync(Options());

        var token = await provider.GetClientCredentialsTokenAsync("ward-bridge", "bridge-secret", Audience);

        var jwt = await SignedJwt.VerifyAsync(token, provider.JwksUri);
        Assert.Equal("at+jwt", jwt.Header["typ"]!.GetValue<string>());
        Assert.Equal(Audience, jwt.Claim("aud"));
        Assert.Equal(provider.Issuer.ToString().TrimEnd('/'), jwt.Claim("iss"));
        Assert.Equal("ward-bridge", jwt.Claim("client_id"));
        Assert.Equal("bridge.service", jwt.Claim("preferred_username"));
        Assert.Equal(["nurse"], jwt.Claims("roles"));
    }

    [Fact]
    public async Task Client_credentials_with_a_wrong_secret_or_an_unknown_audience_are_refused()
    {
        await using var provider = await OidcProvider.StartAsync(Options());

        var wrongSecret = await Assert.ThrowsAsync<InvalidOperationException>(
            () => provider.GetClientCredentialsTokenAsync("ward-bridge", "not-the-secret", Audience));
        var otherAudience = await Assert.ThrowsAsync<InvalidOperationException>(
            () => provider.GetClientCredentialsTokenAsync("ward-bridge", "bridge-secret", "api://somewhere-else"));

        Assert.Contains("invalid_client", wrongSecret.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", wrongSecret.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_target", otherAudience.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorization_request_without_a_PKCE_challenge_is_refused_and_with_one_goes_to_sign_in()
    {
        await using var provider = await OidcProvider.StartAsync(Options());
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var request = $"{provider.AuthorizationEndpoint}?client_id=station&response_type=code&scope=openid&state=s1&nonce=n1" +
            $"&redirect_uri={Uri.EscapeDataString(s_redirectUri.ToString())}";

        using var withoutPkce = await http.GetAsync(new Uri(request));
        using var withPkce = await http.GetAsync(new Uri(request + "&code_challenge_method=S256&code_challenge=" + new string('A', 43)));

        // RFC 7636 §4.4.1: a server that requires PKCE answers a request without code_challenge with invalid_request.
        Assert.Equal(HttpStatusCode.SeeOther, withoutPkce.StatusCode);
        Assert.StartsWith(s_redirectUri.ToString(), withoutPkce.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains("error=invalid_request", withoutPkce.Headers.Location!.Query, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.SeeOther, withPkce.StatusCode);
        Assert.StartsWith("/interaction/", withPkce.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    internal static OidcProviderOptions Options(Uri? redirectUri = null, Uri? postLogoutRedirectUri = null) =>
        new OidcProviderOptions { Audience = Audience }
            .AddClient(OidcClient.WebApplication(
                "station", "station-secret", [redirectUri ?? s_redirectUri], postLogoutRedirectUri is null ? [] : [postLogoutRedirectUri]))
            .AddClient(OidcClient.Machine("ward-bridge", "bridge-secret", "bridge.service", ["nurse"]))
            .AddAccount(new OidcAccount("nurse.nora", "nora-password", ["nurse"], ["ward-3-nurses"]))
            .AddAccount(new OidcAccount("viewer.vic", "vic-password", ["viewer"]));

    private static IReadOnlyList<string> Strings(JsonNode? array) => [.. array!.AsArray().Select(value => value!.GetValue<string>())];
}
