using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MedIoT.Gateway.LoadTest;

/// <summary>
/// The gateway's https certificate for a load run, as a ward serves the station (README "HTTPS"): a self-signed P-256
/// certificate for 127.0.0.1 written as the PEM files of <c>Gateway:Http:CertificatePath</c> and
/// <c>CertificateKeyPath</c> (key mode 0600); the harness's clients trust exactly this certificate and nothing else.
/// </summary>
internal sealed class GatewayCertificate
{
    private readonly byte[] _der;

    private GatewayCertificate(string certificatePath, string keyPath, byte[] der)
    {
        CertificatePath = certificatePath;
        KeyPath = keyPath;
        _der = der;
    }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <summary>Makes the certificate, valid for the day, and writes <c>gateway.pem</c> and <c>gateway.key</c> into <paramref name="folder"/>.</summary>
    public static GatewayCertificate Create(string folder)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        var certificatePath = Path.Combine(folder, "gateway.pem");
        var keyPath = Path.Combine(folder, "gateway.key");
        OwnerOnly.Write(keyPath, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        return new GatewayCertificate(certificatePath, keyPath, certificate.RawData);
    }

    /// <summary>A client for the gateway at <paramref name="address"/> that accepts this certificate only (pinned by its bytes).</summary>
    public HttpClient Client(Uri address) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(_der),
        },
    })
    {
        BaseAddress = address,
    };
}
