using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MedIoT.Cryptography;
using MedIoT.Gateway.Access;
using MedIoT.Gateway.Tests.Integration.Alerts;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Access;

/// <summary>
/// Sign-in through a real OpenID Connect provider on loopback (oidc-provider on Node.js), without a browser: the
/// authorization-code flow with PKCE driven by HttpClient through the provider's sign-in form, roles mapped from the
/// hospital's role claim, a person without a mapped role refused with a page; and a machine client's client-credentials JWT
/// accepted as a bearer token with its staff id and role.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class OidcSignInTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    private const string ClientId = "mediot-gateway";
    private const string ClientSecret = "gateway-client-secret-4411";
    private const string NursePassword = "Marker-Oidc-Pw-8ac3";

    private async Task<(OidcProvider Provider, AlertGateway Gateway)> StartAsync()
    {
        var port = FreeTcpPort.Next();
        var gatewayUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var provider = await OidcProvider.StartAsync(new OidcProviderOptions()
            .AddClient(OidcClient.WebApplication(ClientId, ClientSecret, [new Uri(gatewayUrl, SignInEndpoints.CallbackPath)]))
            .AddClient(OidcClient.Machine("bedside-app", "machine-secret-5512", "bedside.app", ["ward-7a-nurses"]))
            .AddAccount(new OidcAccount("nurse.oidc", NursePassword, ["ward-7a-nurses"], ["staff"]))
            .AddAccount(new OidcAccount("visitor.oidc", NursePassword, ["visitors"], ["staff"])));
        var secretFile = ward.Combine($"oidc-secret-{Guid.NewGuid():N}");
        SecretFile.Write(secretFile, ClientSecret);
        var gateway = await ward.StartGatewayAsync(new Dictionary<string, string>
        {
            ["Gateway:Http:Url"] = gatewayUrl.ToString().TrimEnd('/'),
            ["Gateway:Access:Oidc:Authority"] = provider.Issuer.ToString(),
            ["Gateway:Access:Oidc:ClientId"] = ClientId,
            ["Gateway:Access:Oidc:ClientSecretFile"] = secretFile,
            ["Gateway:Access:Oidc:RequireHttpsMetadata"] = "false",
            ["Gateway:Access:Oidc:Scope"] = "openid profile roles",
            ["Gateway:Access:Oidc:RoleClaim"] = "roles",
            ["Gateway:Access:Oidc:RoleMap:ward-7a-nurses"] = "nurse",
            ["Gateway:Access:Oidc:ApiAudience"] = provider.Audience,
        });
        return (provider, gateway);
    }

    /// <summary>Follows redirects by hand (at most 10), as a browser would, sharing the session's cookies between gateway and provider.</summary>
    private static async Task<HttpResponseMessage> FollowAsync(StationSession session, HttpResponseMessage response, Uri from)
    {
        for (var hop = 0; hop < 10 && (int)response.StatusCode is >= 300 and < 400; hop++)
        {
            from = new Uri(from, response.Headers.Location!);
            response.Dispose();
            response = await session.SendAsync(new HttpRequestMessage(HttpMethod.Get, from));
        }

        return response;
    }

    private static async Task<HttpResponseMessage> SignInAtProviderAsync(StationSession session, Uri gateway, string account)
    {
        var start = new Uri(gateway, SignInEndpoints.OidcPath + "?returnUrl=%2Fstation%2Fit");
        var page = await FollowAsync(session, await session.SendAsync(new HttpRequestMessage(HttpMethod.Get, start)), start);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var action = new Uri(page.RequestMessage!.RequestUri!, LoginAction().Match(html).Groups[1].Value);
        page.Dispose();
        var posted = await session.SendAsync(new HttpRequestMessage(HttpMethod.Post, action)
        {
            Content = new FormUrlEncodedContent([new("username", account), new("password", NursePassword)]),
        });
        return await FollowAsync(session, posted, action);
    }

    [Fact]
    public async Task A_nurse_signs_in_through_the_provider_with_the_code_flow_and_pkce_and_acts_as_herself()
    {
        var (provider, gateway) = await StartAsync();
        await using (provider)
        await using (gateway)
        {
            var address = gateway.As(null).BaseAddress!;
            using var session = new StationSession(address);

            using var landed = await SignInAtProviderAsync(session, address, "nurse.oidc");
            Assert.True(landed.StatusCode == HttpStatusCode.OK, Logs(gateway));
            Assert.Contains("url=/station/it", await landed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.True(session.Cookies.ContainsKey(AccessSchemes.CookieName));

            // Signed in as a nurse: she records an observation in her own name with the cookie and the anti-forgery header.
            var token = await session.RequestTokenAsync();
            using (var observed = await session.PostAsync("/beds/7A/02/observations", token, JsonContent.Create(new { consciousness = "A" })))
            {
                Assert.Equal(HttpStatusCode.OK, observed.StatusCode);
            }

            var news2 = await gateway.Http.GetFromJsonAsync<JsonElement>("/beds/7A/02/news2");
            var consciousness = news2.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("parameter").GetString() == "consciousness");
            Assert.Equal("nurse.oidc", consciousness.GetProperty("source").GetString());
            Assert.Equal(1, gateway.Service<AccessStatistics>().SignIns(SignInOutcome.Succeeded));
            Assert.DoesNotContain(gateway.Logs.GetSnapshot(), entry => entry.Message.Contains(NursePassword, StringComparison.Ordinal));
            gateway.Logs.AssertNoErrors();
        }
    }

    [Fact]
    public async Task A_person_without_a_mapped_role_is_refused_with_a_page_and_no_cookie()
    {
        var (provider, gateway) = await StartAsync();
        await using (provider)
        await using (gateway)
        {
            using var session = new StationSession(gateway.As(null).BaseAddress!);

            using var refused = await SignInAtProviderAsync(session, gateway.As(null).BaseAddress!, "visitor.oidc");

            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, Logs(gateway));
            Assert.Contains("holds no role on this ward station", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(session.Cookies.ContainsKey(AccessSchemes.CookieName));
            Assert.Equal(1, gateway.Service<AccessStatistics>().SignIns(SignInOutcome.NoRole));
            Assert.Single(gateway.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.SignInNoRole);
            gateway.Logs.AssertNoErrors();
        }
    }

    [Fact]
    public async Task A_client_credentials_jwt_from_the_provider_is_a_bearer_identity_and_a_forged_one_is_401()
    {
        var (provider, gateway) = await StartAsync();
        await using (provider)
        await using (gateway)
        {
            var jwt = await provider.GetClientCredentialsTokenAsync("bedside-app", "machine-secret-5512", provider.Audience);
            using var client = new HttpClient { BaseAddress = gateway.As(null).BaseAddress };
            client.DefaultRequestHeaders.Authorization = new("Bearer", jwt);

            using (var observed = await client.PostAsJsonAsync("/beds/7A/03/observations", new { onOxygen = true }))
            {
                Assert.True(observed.StatusCode == HttpStatusCode.OK, Logs(gateway));
            }

            var news2 = await gateway.Http.GetFromJsonAsync<JsonElement>("/beds/7A/03/news2");
            Assert.Equal("bedside.app", news2.GetProperty("parameters").EnumerateArray()
                .Single(p => p.GetProperty("parameter").GetString() == "airOrOxygen").GetProperty("source").GetString());

            // The same token with its signature changed.
            var forged = jwt[..^4] + (jwt[^4] == 'A' ? "BBBB" : "AAAA");
            client.DefaultRequestHeaders.Authorization = new("Bearer", forged);
            using (var refused = await client.GetAsync("/alarms"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            Assert.Equal(1, gateway.Service<AccessStatistics>().TokensRefused);
            gateway.Logs.AssertNoErrors();
        }
    }

    private static string Logs(AlertGateway gateway) => string.Join("\n", gateway.Logs.GetSnapshot().Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Information && l.Category?.Contains("Access", StringComparison.Ordinal) != false || l.Exception is not null).Select(l => l.Category + ": " + l.Message + " " + l.Exception));

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex LoginAction();
}
