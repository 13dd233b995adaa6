using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>
/// A private CA made for one test run with a broker certificate for 127.0.0.1 and a client certificate for the
/// gateway, written as the PEM files mosquitto and <c>Gateway:Mqtt:Tls</c> read (keys mode 0600).
/// </summary>
internal sealed class MqttTestCertificates : IDisposable
{
    private MqttTestCertificates(TemporaryDirectory folder) => Folder = folder;

    public TemporaryDirectory Folder { get; }

    public static string ClientName => "gateway-ward-7a";

    public string AuthorityFile => Folder.Combine("ca.pem");

    public string ServerCertificateFile => Folder.Combine("server.pem");

    public string ServerKeyFile => Folder.Combine("server.key");

    public string ClientCertificateFile => Folder.Combine("client.pem");

    public string ClientKeyFile => Folder.Combine("client.key");

    public static async Task<MqttTestCertificates> CreateAsync()
    {
        var certificates = new MqttTestCertificates(TemporaryDirectory.Create("gateway-mqtt-tls"));
        var now = TimeProvider.System.GetUtcNow();
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=MedIoT Gateway Test CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        using var authority = authorityRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = Issue(serverRequest, authority, now, 1);

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest($"CN={ClientName}", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var client = Issue(clientRequest, authority, now, 2);

        await File.WriteAllTextAsync(certificates.AuthorityFile, authority.ExportCertificatePem());
        await File.WriteAllTextAsync(certificates.ServerCertificateFile, server.ExportCertificatePem());
        await WriteKeyAsync(certificates.ServerKeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        await File.WriteAllTextAsync(certificates.ClientCertificateFile, client.ExportCertificatePem());
        await WriteKeyAsync(certificates.ClientKeyFile, clientKey.ExportPkcs8PrivateKeyPem());
        return certificates;
    }

    /// <summary>mosquitto lines making the listener above them require a client certificate from this CA.</summary>
    public IEnumerable<string> MutualTlsListenerLines() =>
    [
        $"cafile {AuthorityFile}",
        $"certfile {ServerCertificateFile}",
        $"keyfile {ServerKeyFile}",
        "require_certificate true",
        "use_identity_as_username true",
    ];

    public void Dispose() => Folder.Dispose();

    private static async Task WriteKeyAsync(string path, string pem)
    {
        await File.WriteAllTextAsync(path, pem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static X509Certificate2 Issue(CertificateRequest request, X509Certificate2 issuer, DateTimeOffset now, byte serial)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return request.Create(issuer, now.AddMinutes(-5), now.AddDays(1), [serial, 0x47, 0x57]);
    }
}
