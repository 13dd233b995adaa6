using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MedIoT.Testing;

namespace MedIoT.Mqtt.Tests.Support;

/// <summary>
/// A private certificate authority made for one test, with a broker certificate for 127.0.0.1 and a client
/// certificate, written as PEM files for mosquitto's <c>cafile</c>, <c>certfile</c> and <c>keyfile</c>.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private TestCertificates(TemporaryDirectory folder, X509Certificate2 authority, X509Certificate2 client)
    {
        Folder = folder;
        Authority = authority;
        Client = client;
    }

    public TemporaryDirectory Folder { get; }

    /// <summary>The CA certificate (no private key), to trust.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The client certificate with its private key; its common name is <see cref="ClientName"/>.</summary>
    public X509Certificate2 Client { get; }

    /// <summary>The fixture's test account: with <c>use_identity_as_username</c> the certificate's CN is the user name the ACL sees.</summary>
    public static string ClientName => MosquittoServer.TestAccountName;

    public string AuthorityFile => Folder.Combine("ca.pem");

    public string ServerCertificateFile => Folder.Combine("server.pem");

    public string ServerKeyFile => Folder.Combine("server.key");

    /// <summary>Creates a CA named <paramref name="authorityName"/>, and a broker and a client certificate it issues.</summary>
    public static async Task<TestCertificates> CreateAsync(string authorityName = "MedIoT Test Ward CA")
    {
        var folder = TemporaryDirectory.Create("mqtt-tls");
        var now = TimeProvider.System.GetUtcNow();
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest($"CN={authorityName}", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        using var authorityWithKey = authorityRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = Issue(serverRequest, authorityWithKey, now, 1);

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest($"CN={ClientName}", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var clientIssued = Issue(clientRequest, authorityWithKey, now, 2);
        using var clientWithKey = clientIssued.CopyWithPrivateKey(clientKey);

        await File.WriteAllTextAsync(folder.Combine("ca.pem"), authorityWithKey.ExportCertificatePem());
        await File.WriteAllTextAsync(folder.Combine("server.pem"), server.ExportCertificatePem());
        await File.WriteAllTextAsync(folder.Combine("server.key"), serverKey.ExportPkcs8PrivateKeyPem());

        // Through PKCS#12 so the key is usable by SslStream on every platform.
        var client = X509CertificateLoader.LoadPkcs12(clientWithKey.Export(X509ContentType.Pkcs12), null);
        var authority = X509CertificateLoader.LoadCertificate(authorityWithKey.Export(X509ContentType.Cert));
        return new TestCertificates(folder, authority, client);
    }

    /// <summary>mosquitto lines making the listener TLS-only with these files.</summary>
    public IEnumerable<string> ListenerLines(bool requireClientCertificate) =>
    [
        $"cafile {AuthorityFile}",
        $"certfile {ServerCertificateFile}",
        $"keyfile {ServerKeyFile}",
        $"require_certificate {(requireClientCertificate ? "true" : "false")}",
        $"use_identity_as_username {(requireClientCertificate ? "true" : "false")}",
    ];

    public void Dispose()
    {
        Authority.Dispose();
        Client.Dispose();
        Folder.Dispose();
    }

    private static X509Certificate2 Issue(CertificateRequest request, X509Certificate2 issuer, DateTimeOffset now, byte serial)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return request.Create(issuer, now.AddMinutes(-5), now.AddDays(1), [serial, 0x4D, 0x49]);
    }
}
