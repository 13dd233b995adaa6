using System.Net;
using System.Text.RegularExpressions;
using MedIoT.Gateway.Access;

namespace MedIoT.Gateway.Tests.Access;

/// <summary>
/// A browser's side of the station without a browser: an HttpClient that keeps the gateway's cookies itself (the sign-in
/// cookie is Secure, which .NET's cookie container would withhold over loopback http while browsers send it), follows no
/// redirects, and reads the anti-forgery token from the sign-in page.
/// </summary>
internal sealed partial class StationSession : IDisposable
{
    private readonly HttpClient _http;
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    private readonly bool _ownCookies;

    /// <summary>A session over <paramref name="handler"/>; without one, cookies are kept here (see the class summary).</summary>
    public StationSession(Uri address, HttpClientHandler? handler = null)
    {
        _ownCookies = handler is null;
        handler ??= new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
        _http = new HttpClient(handler, disposeHandler: _ownCookies) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The cookies the gateway set, by name.</summary>
    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    /// <summary>Replaces a cookie's value (a forged or tampered cookie).</summary>
    public void SetCookie(string name, string value) => _cookies[name] = value;

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_ownCookies && _cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(cookie => cookie.Key + "=" + cookie.Value)));
        }

        var response = await _http.SendAsync(request);
        if (_ownCookies && response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                var pair = setCookie.Split(';')[0];
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var (name, value) = (pair[..equals], pair[(equals + 1)..]);
                if (value.Length == 0 || setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                {
                    _cookies.Remove(name);
                }
                else
                {
                    _cookies[name] = value;
                }
            }
        }

        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>GETs the sign-in page and returns its anti-forgery request token (for the signed-in identity, when signed in).</summary>
    public async Task<string> RequestTokenAsync()
    {
        using var page = await GetAsync(SignInEndpoints.SignInPath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var match = TokenField().Match(await page.Content.ReadAsStringAsync());
        Assert.True(match.Success, "The sign-in page has no anti-forgery field.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts the sign-in form with <paramref name="fields"/> (the page's token added unless given).</summary>
    public async Task<HttpResponseMessage> PostSignInAsync(params (string Name, string Value)[] fields)
    {
        List<KeyValuePair<string, string>> form = [.. fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value))];
        if (!fields.Any(field => field.Name == AccessSchemes.AntiforgeryField))
        {
            form.Add(new(AccessSchemes.AntiforgeryField, await RequestTokenAsync()));
        }

        return await SendAsync(new HttpRequestMessage(HttpMethod.Post, SignInEndpoints.SignInPath) { Content = new FormUrlEncodedContent(form) });
    }

    /// <summary>Signs in with a local account and asserts it worked (303 to the return address, a sign-in cookie).</summary>
    public async Task SignInAsync(string name, string password, CookieContainer? container = null)
    {
        using var response = await PostSignInAsync(("name", name), ("password", password), ("returnUrl", "/station"));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/station", response.Headers.Location?.OriginalString);
        var cookieSet = container?.GetAllCookies().Any(cookie => cookie.Name == AccessSchemes.CookieName) ?? _cookies.ContainsKey(AccessSchemes.CookieName);
        Assert.True(cookieSet, "No sign-in cookie was set.");
    }

    /// <summary>POSTs to <paramref name="path"/> with the cookie and, unless null, the anti-forgery header.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, string? requestToken, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (requestToken is not null)
        {
            request.Headers.Add(AccessSchemes.AntiforgeryHeader, requestToken);
        }

        return SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    public void Dispose() => _http.Dispose();
}
