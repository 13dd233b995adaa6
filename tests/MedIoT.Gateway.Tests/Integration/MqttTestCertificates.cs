using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>
/// A private CA made for one test run with a broker certificate for 127.0.0.1 and a client certificate for the
/// gateway, written as the PEM files mosquitto and <c>Gateway:Mqtt:Tls</c> read (keys mode 0600); it issues device
/// certificates on demand (<see cref="IssueClientAsync"/>).
/// </summary>
internal sealed class MqttTestCertificates : IDisposable
{
    private readonly X509Certificate2 _authority;
    private int _serial = 2;

    private MqttTestCertificates(TemporaryDirectory folder, X509Certificate2 authority)
    {
        Folder = folder;
        _authority = authority;
    }

    public TemporaryDirectory Folder { get; }

    /// <summary>The gateway's broker account: mosquitto's use_identity_as_username makes the CN the user name the ACL sees.</summary>
    public static string ClientName => "mediot-gateway";

    public string AuthorityFile => Folder.Combine("ca.pem");

    public string ServerCertificateFile => Folder.Combine("server.pem");

    public string ServerKeyFile => Folder.Combine("server.key");

    public string ClientCertificateFile => Folder.Combine("client.pem");

    public string ClientKeyFile => Folder.Combine("client.key");

    public static async Task<MqttTestCertificates> CreateAsync()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=MedIoT Gateway Test CA", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        authorityRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(authorityRequest.PublicKey, false));
        var certificates = new MqttTestCertificates(TemporaryDirectory.Create("gateway-mqtt-tls"), authorityRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1)));
        var authority = certificates._authority;

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = Issue(serverRequest, authority, now, 1);

        await File.WriteAllTextAsync(certificates.AuthorityFile, authority.ExportCertificatePem());
        await File.WriteAllTextAsync(certificates.ServerCertificateFile, server.ExportCertificatePem());
        await WriteKeyAsync(certificates.ServerKeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        await certificates.IssueClientAsync(ClientName, certificates.ClientCertificateFile, certificates.ClientKeyFile);
        return certificates;
    }

    /// <summary>
    /// Issues a client certificate whose subject CN is <paramref name="commonName"/> (a device id or a service account: with
    /// use_identity_as_username it is the user name mosquitto's ACL sees) and writes it and its key (mode 0600) as PEM.
    /// </summary>
    public async Task IssueClientAsync(string commonName, string certificateFile, string keyFile)
    {
        var now = TimeProvider.System.GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = Issue(request, _authority, now, (byte)Interlocked.Increment(ref _serial));
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
        await WriteKeyAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
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

    public void Dispose()
    {
        _authority.Dispose();
        Folder.Dispose();
    }

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
        // Valid as long as the CA: .NET issues no certificate that outlives its issuer, and some are issued later in the run.
        return request.Create(issuer, now.AddMinutes(-5), issuer.NotAfter, [serial, 0x47, 0x57]);
    }
}
