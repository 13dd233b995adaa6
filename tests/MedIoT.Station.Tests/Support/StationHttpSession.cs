using System.Net;
using System.Text.RegularExpressions;

namespace MedIoT.Station.Tests.Support;

/// <summary>
/// A browser's session with the station at the HTTP level, for the tests of bad input: it keeps the cookies the gateway
/// sets (by hand, so a test can forge, tamper with or replay one) and the anti-forgery request token of the last page.
/// </summary>
internal sealed partial class StationHttpSession(StationWard ward)
{
    /// <summary>The sign-in cookie's name.</summary>
    public const string SignInCookie = "__Host-mediot-station";

    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    /// <summary>The anti-forgery request token of the last station page read (its <c>meta name="csrf-token"</c>).</summary>
    public string RequestToken { get; private set; } = string.Empty;

    /// <summary>The value of the cookie <paramref name="name"/>, or null.</summary>
    public string? Cookie(string name) => _cookies.GetValueOrDefault(name);

    /// <summary>Signs in on the form as a browser would (GET the form, POST it with its token) and reads the overview's token.</summary>
    public async Task SignInAsync(string name, string password)
    {
        using var form = await SendAsync(HttpMethod.Get, "/station/sign-in");
        var token = FormToken().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        using var signedIn = await SendAsync(HttpMethod.Post, "/station/sign-in", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", token), new("returnUrl", "/station"), new("name", name), new("password", password)]));
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.NotNull(Cookie(SignInCookie));
        await ReadTokenAsync();
    }

    /// <summary>GETs the overview page and keeps its anti-forgery request token.</summary>
    public async Task ReadTokenAsync()
    {
        using var page = await SendAsync(HttpMethod.Get, "/station");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        RequestToken = WebUtility.HtmlDecode(MetaToken().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value);
        Assert.NotEmpty(RequestToken);
    }

    /// <summary>Signs out with the page's sign-out form (its token in the form field).</summary>
    public async Task SignOutAsync()
    {
        using var signedOut = await SendAsync(HttpMethod.Post, "/station/sign-out", new FormUrlEncodedContent([new("__RequestVerificationToken", RequestToken)]));
        Assert.Equal(HttpStatusCode.SeeOther, signedOut.StatusCode);
    }

    /// <summary>
    /// Sends a request with the session's cookies (or <paramref name="signInCookie"/> in place of its sign-in cookie) and,
    /// when <paramref name="withToken"/>, the anti-forgery header (<paramref name="csrfToken"/> in place of the page's token);
    /// keeps the cookies the answer sets or deletes. With <paramref name="lastOnConnection"/> the connection closes after the
    /// answer: a server that refuses a body too large to read closes it (RFC 9112 §9.6), and it must not be reused.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, bool withToken = false,
        string? signInCookie = null, string? csrfToken = null, bool lastOnConnection = false)
    {
        using var request = new HttpRequestMessage(method, ward.Url(path)) { Content = content };
        request.Headers.ConnectionClose = lastOnConnection;
        var cookies = new Dictionary<string, string>(_cookies, StringComparer.Ordinal);
        if (signInCookie is not null)
        {
            cookies[SignInCookie] = signInCookie;
        }

        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies.Select(cookie => cookie.Key + "=" + cookie.Value)));
        }

        if (withToken || csrfToken is not null)
        {
            request.Headers.Add("X-CSRF-TOKEN", csrfToken ?? RequestToken);
        }

        var response = await ward.Http.SendAsync(request);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = header.Split(';')[0];
            var (name, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            // RFC 6265 §5.3: an expiry in the past (how a server deletes a cookie) removes it.
            if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
            {
                _cookies.Remove(name);
            }
            else
            {
                _cookies[name] = value;
            }
        }

        return response;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\">")]
    private static partial Regex MetaToken();
}
