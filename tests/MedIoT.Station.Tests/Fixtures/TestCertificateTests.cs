using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MedIoT.Station.Tests.Browser;
using MedIoT.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Station.Tests.Fixtures;

/// <summary>MedIoT.Testing's <see cref="TestCertificate"/>: its files, and Kestrel serving HTTPS with them to chromium.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TestCertificateTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>
{
    [Fact]
    public void Certificate_is_valid_one_day_from_the_injected_time_for_loopback_and_its_files_are_owner_only()
    {
        var now = new DateTimeOffset(2026, 12, 6, 8, 30, 0, TimeSpan.Zero);
        using var certificate = TestCertificate.Create(new FakeTimeProvider(now));

        using var loaded = X509Certificate2.CreateFromPemFile(certificate.CertificatePath, certificate.KeyPath);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(certificate.Certificate.Thumbprint, loaded.Thumbprint);
        Assert.Equal(now.UtcDateTime, loaded.NotBefore.ToUniversalTime());
        Assert.Equal(now.AddDays(1).UtcDateTime, loaded.NotAfter.ToUniversalTime());
        using var publicKey = loaded.GetECDsaPublicKey();
        Assert.Equal(256, publicKey?.KeySize);
        var names = Assert.IsType<X509SubjectAlternativeNameExtension>(Assert.Single(loaded.Extensions, e => e is X509SubjectAlternativeNameExtension));
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], names.EnumerateIPAddresses());
        Assert.Equal(["localhost"], names.EnumerateDnsNames());
        Assert.False(certificate.Certificate.HasPrivateKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(certificate.KeyPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(certificate.CertificatePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(certificate.KeyPath)!));
    }

    [Fact]
    public void Dispose_deletes_the_key_and_its_folder()
    {
        var certificate = TestCertificate.Create(new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 8, 30, 0, TimeSpan.Zero)));
        var folder = Path.GetDirectoryName(certificate.KeyPath)!;

        certificate.Dispose();

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Kestrel_serves_HTTPS_from_the_PEM_files_and_chromium_loads_the_page()
    {
        // The real clock: an HTTPS client checks validity against it.
        using var certificate = TestCertificate.Create(TimeProvider.System);
        await using var site = await LoopbackSite.StartAsync(
            app => app.MapGet("/", () => Results.Content("<!doctype html><title>ward</title><p id=\"greeting\">served over HTTPS</p>", "text/html")),
            certificate);
        string? presented = null;
        using var handler = new HttpClientHandler
        {
            // Pinned: the server must present exactly the test certificate (it is self-signed, so no chain to trust).
            ServerCertificateCustomValidationCallback = (_, serverCertificate, _, errors) =>
            {
                presented = serverCertificate?.Thumbprint;
                return serverCertificate?.Thumbprint == certificate.Certificate.Thumbprint && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == 0;
            },
        };
        using var http = new HttpClient(handler);

        var body = await http.GetStringAsync(site.BaseAddress);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(site.BaseAddress.ToString());

        Assert.Equal("https", site.BaseAddress.Scheme);
        Assert.Contains("served over HTTPS", body, StringComparison.Ordinal);
        Assert.Equal(certificate.Certificate.Thumbprint, presented);
        Assert.Equal(200, response!.Status);
        Assert.StartsWith("https://127.0.0.1:", page.Url, StringComparison.Ordinal);
        Assert.Equal("served over HTTPS", await page.Locator("#greeting").TextContentAsync());
        var seenByChromium = await response.SecurityDetailsAsync();
        Assert.Equal("localhost", seenByChromium!.SubjectName);
        Assert.StartsWith("TLS 1.", seenByChromium.Protocol, StringComparison.Ordinal);
        Assert.Equal("localhost", seenByChromium.Issuer);
    }
}
