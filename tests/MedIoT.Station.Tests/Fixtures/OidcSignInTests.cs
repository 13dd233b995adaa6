using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using MedIoT.Station.Tests.Browser;
using MedIoT.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Fixtures;

/// <summary>
/// chromium signs in at the test OpenID Connect provider through the authorization-code flow with PKCE (RFC 7636):
/// the provider's sign-in page, then a redirect to a loopback redirect URI that receives the code.
/// </summary>
public sealed class OidcSignInTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Nurse_signs_in_on_the_providers_page_and_the_code_redeems_for_an_id_token_with_her_claims()
    {
        await using var flow = await CodeFlow.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        var (callback, tokens) = await SignInAndRedeemAsync(flow, page);

        Assert.Equal(flow.State, callback["state"]);
        Assert.Equal(flow.Provider.Issuer.ToString().TrimEnd('/'), callback["iss"]); // RFC 9207
        Assert.Equal("code received", await page.Locator("#done").TextContentAsync(new() { Timeout = Milliseconds(s_timeout) }));
        var idToken = await SignedJwt.VerifyAsync(tokens["id_token"]!.GetValue<string>(), flow.Provider.JwksUri);
        Assert.Equal("station", idToken.Claim("aud"));
        Assert.Equal(flow.Nonce, idToken.Claim("nonce"));
        Assert.Equal("nurse.nora", idToken.Claim("sub"));
        Assert.Equal("nurse.nora", idToken.Claim("preferred_username"));
        Assert.Equal(["nurse"], idToken.Claims("roles"));
        Assert.Equal(["ward-3-nurses"], idToken.Claims("groups"));
        var accessToken = await SignedJwt.VerifyAsync(tokens["access_token"]!.GetValue<string>(), flow.Provider.JwksUri);
        Assert.Equal(flow.Provider.Audience, accessToken.Claim("aud"));
        Assert.Equal("nurse.nora", accessToken.Claim("preferred_username"));
        Assert.Equal(["nurse"], accessToken.Claims("roles"));
        Assert.Empty(chromium.BlockedRequests);
    }

    [Fact]
    public async Task Wrong_password_stays_on_the_sign_in_page_with_an_alert_and_sends_no_code()
    {
        await using var flow = await CodeFlow.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(flow.AuthorizationRequest.ToString());
        await SignInAsync(page, "nurse.nora", "not-her-password");

        Assert.Contains("wrong password", await page.Locator(OidcProvider.SignInPage.Error).TextContentAsync(), StringComparison.Ordinal);
        Assert.StartsWith(flow.Provider.Issuer.ToString(), page.Url, StringComparison.Ordinal);
        Assert.False(flow.Callback.IsCompleted);
        await flow.Provider.WaitForOutputAsync("sign-in refused for account 'nurse.nora'", s_timeout);
        Assert.DoesNotContain("not-her-password", flow.Provider.RecentOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Code_does_not_redeem_without_the_PKCE_verifier_of_its_challenge()
    {
        await using var flow = await CodeFlow.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(flow.AuthorizationRequest.ToString());
        await SignInAsync(page, "viewer.vic", "vic-password");
        var callback = await flow.Callback.WaitAsync(s_timeout);
        var otherVerifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

        // RFC 7636 §4.6: the server compares the verifier's S256 hash with the challenge, and refuses with invalid_grant.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => flow.Provider.RedeemCodeAsync("station", "station-secret", callback["code"]!, flow.RedirectUri, otherVerifier));
        Assert.Contains("invalid_grant", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_at_the_provider_ends_its_session_so_the_next_authorization_asks_to_sign_in_again()
    {
        await using var flow = await CodeFlow.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var (callback, tokens) = await SignInAndRedeemAsync(flow, page);

        // Still signed in at the provider: a new authorization request returns to the redirect URI without the sign-in page.
        await page.GotoAsync(flow.AuthorizationRequest.ToString());
        await page.WaitForURLAsync(url => url.StartsWith(flow.RedirectUri.ToString(), StringComparison.Ordinal), new() { Timeout = Milliseconds(s_timeout) });
        await page.GotoAsync($"{flow.Provider.EndSessionEndpoint}?id_token_hint={tokens["id_token"]!.GetValue<string>()}" +
            $"&post_logout_redirect_uri={Uri.EscapeDataString(flow.PostLogoutRedirectUri.ToString())}");
        await page.ClickAsync(OidcProvider.SignInPage.SignOut);
        await page.WaitForURLAsync(url => url.StartsWith(flow.PostLogoutRedirectUri.ToString(), StringComparison.Ordinal), new() { Timeout = Milliseconds(s_timeout) });
        await page.GotoAsync(flow.AuthorizationRequest.ToString());

        Assert.True(await page.Locator(OidcProvider.SignInPage.AccountName).IsVisibleAsync());
        Assert.StartsWith(flow.Provider.Issuer.ToString(), page.Url, StringComparison.Ordinal);
    }

    private static float Milliseconds(TimeSpan timeout) => (float)timeout.TotalMilliseconds;

    /// <summary>Opens the flow's authorization request, signs nurse.nora in, and redeems the code the redirect URI received.</summary>
    private static async Task<(IQueryCollection Callback, System.Text.Json.Nodes.JsonObject Tokens)> SignInAndRedeemAsync(CodeFlow flow, IPage page)
    {
        await page.GotoAsync(flow.AuthorizationRequest.ToString());
        await SignInAsync(page, "nurse.nora", "nora-password");
        var callback = await flow.Callback.WaitAsync(s_timeout);
        var tokens = await flow.Provider.RedeemCodeAsync("station", "station-secret", callback["code"]!, flow.RedirectUri, flow.CodeVerifier);
        return (callback, tokens);
    }

    private static async Task SignInAsync(IPage page, string account, string password)
    {
        await page.FillAsync(OidcProvider.SignInPage.AccountName, account);
        await page.FillAsync(OidcProvider.SignInPage.Password, password);
        await page.ClickAsync(OidcProvider.SignInPage.SignIn);
    }

    /// <summary>A provider, a loopback redirect URI and one authorization request with state, nonce and PKCE.</summary>
    private sealed class CodeFlow : IAsyncDisposable
    {
        private readonly TaskCompletionSource<IQueryCollection> _callback = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private LoopbackSite? _site;

        private CodeFlow()
        {
        }

        public OidcProvider Provider { get; private set; } = null!;

        public Uri RedirectUri { get; private set; } = null!;

        public Uri PostLogoutRedirectUri { get; private set; } = null!;

        public string CodeVerifier { get; } = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

        public string State { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        public string Nonce { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        public Task<IQueryCollection> Callback => _callback.Task;

        public Uri AuthorizationRequest
        {
            get
            {
                var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(CodeVerifier)));
                return new Uri($"{Provider.AuthorizationEndpoint}?client_id=station&response_type=code&scope=openid%20profile%20roles" +
                    $"&redirect_uri={Uri.EscapeDataString(RedirectUri.ToString())}&state={State}&nonce={Nonce}" +
                    $"&code_challenge={challenge}&code_challenge_method=S256");
            }
        }

        public static async Task<CodeFlow> StartAsync()
        {
            var flow = new CodeFlow();
            flow._site = await LoopbackSite.StartAsync(app =>
            {
                app.MapGet("/callback", (HttpRequest request) =>
                {
                    flow._callback.TrySetResult(request.Query);
                    return Results.Content("<!doctype html><p id=\"done\">code received</p>", "text/html");
                });
                app.MapGet("/signed-out", () => Results.Content("<!doctype html><p id=\"signed-out\">signed out</p>", "text/html"));
            });
            flow.RedirectUri = new Uri(flow._site.BaseAddress, "callback");
            flow.PostLogoutRedirectUri = new Uri(flow._site.BaseAddress, "signed-out");
            flow.Provider = await OidcProvider.StartAsync(OidcProviderTests.Options(flow.RedirectUri, flow.PostLogoutRedirectUri));
            return flow;
        }

        public async ValueTask DisposeAsync()
        {
            if (Provider is not null)
            {
                await Provider.DisposeAsync();
            }

            if (_site is not null)
            {
                await _site.DisposeAsync();
            }
        }
    }
}
