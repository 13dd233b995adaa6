using System.Net;
using MedIoT.Gateway.Access;
using MedIoT.Gateway.Http;
using MedIoT.Gateway.Tests.Integration.Alerts;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Access;

/// <summary>
/// HTTPS on the gateway (Gateway:Http:CertificatePath and CertificateKeyPath, PEM): the surface listens with the
/// certificate, a client that pins it signs in and keeps the Secure cookies in an ordinary cookie container; settings
/// that would serve sign-in in clear text are refused at start.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HttpsTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    private const string Password = "Marker-Https-Pw-2291";

    [Fact]
    public async Task The_gateway_serves_https_with_its_pem_certificate_and_a_sign_in_cookie_works_over_it()
    {
        using var certificate = TestCertificate.Create(TimeProvider.System);
        var accounts = ward.Combine($"https-people-{Guid.NewGuid():N}.json");
        new LocalAccounts([new LocalPerson("nurse.tls", [StaffRoles.Nurse], PasswordHash.Create(Password, PasswordHash.MinimumIterations))], []).Save(accounts);
        await using var gateway = await ward.StartGatewayAsync(new Dictionary<string, string>
        {
            ["Gateway:Http:Url"] = "https://127.0.0.1:0",
            ["Gateway:Http:CertificatePath"] = certificate.CertificatePath,
            ["Gateway:Http:CertificateKeyPath"] = certificate.KeyPath,
            ["Gateway:Access:AccountsPath"] = accounts,
        });
        var address = gateway.As(null).BaseAddress!;
        Assert.Equal("https", address.Scheme);

        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler
        {
            CookieContainer = cookies,
            AllowAutoRedirect = false,
            // Pinned: only the test's own certificate is trusted.
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Certificate.Thumbprint,
        };
        using var station = new StationSession(address, handler);

        await station.SignInAsync("nurse.tls", Password, cookies);
        var signInCookie = cookies.GetAllCookies().Single(cookie => cookie.Name == AccessSchemes.CookieName);
        Assert.True(signInCookie.Secure);
        Assert.True(signInCookie.HttpOnly);
        Assert.True(cookies.GetAllCookies().Single(cookie => cookie.Name == AccessSchemes.AntiforgeryCookieName).Secure);

        using var alarms = await station.GetAsync("/alarms");
        Assert.Equal(HttpStatusCode.OK, alarms.StatusCode);
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public void Settings_that_would_serve_sign_in_in_clear_text_or_without_a_certificate_are_refused_with_the_fix()
    {
        static string Problems(HttpOptions options) => string.Join('\n', new HttpOptionsValidator().Validate(null, options).Failures ?? []);

        var missing = Problems(new HttpOptions { Url = new Uri("https://0.0.0.0:8443") });
        Assert.Contains("Gateway:Http:CertificatePath", missing, StringComparison.Ordinal);
        Assert.Contains("is required with an https:// Url", missing, StringComparison.Ordinal);
        Assert.Contains("Gateway:Http:CertificateKeyPath", missing, StringComparison.Ordinal);

        var clear = Problems(new HttpOptions { Url = new Uri("http://0.0.0.0:8080") });
        Assert.Contains("plain http on a non-loopback address", clear, StringComparison.Ordinal);
        Assert.Contains("Use https://", clear, StringComparison.Ordinal);

        Assert.Empty(Problems(new HttpOptions { Url = new Uri("http://127.0.0.1:8080") }));
        Assert.Empty(Problems(new HttpOptions { Url = new Uri("http://[::1]:8080") }));

        using var certificate = TestCertificate.Create(TimeProvider.System);
        Assert.Empty(Problems(new HttpOptions { Url = new Uri("https://0.0.0.0:8443"), CertificatePath = certificate.CertificatePath, CertificateKeyPath = certificate.KeyPath }));
        File.SetUnixFileMode(certificate.KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Assert.Contains("chmod 600", Problems(new HttpOptions { Url = new Uri("https://0.0.0.0:8443"), CertificatePath = certificate.CertificatePath, CertificateKeyPath = certificate.KeyPath }),
            StringComparison.Ordinal);
    }
}
