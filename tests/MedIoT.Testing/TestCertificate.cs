using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MedIoT.Testing;

/// <summary>
/// A self-signed HTTPS server certificate for <c>127.0.0.1</c>, <c>::1</c> and <c>localhost</c> (ECDSA P-256, valid one day
/// from the injected clock's now), written as PEM files for Kestrel (<c>Gateway:Http:CertificatePath</c> and
/// <c>CertificateKeyPath</c>): the certificate and its PKCS #8 key, each 0600, in a 0700 folder deleted on dispose.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private static readonly TimeSpan s_validity = TimeSpan.FromDays(1);

    private readonly TemporaryDirectory _folder;

    private TestCertificate(TemporaryDirectory folder, X509Certificate2 certificate)
    {
        _folder = folder;
        Certificate = certificate;
    }

    /// <summary>The PEM certificate file (<c>-----BEGIN CERTIFICATE-----</c>).</summary>
    public string CertificatePath => _folder.Combine("certificate.pem");

    /// <summary>The PEM private key file (<c>-----BEGIN PRIVATE KEY-----</c>, PKCS #8, unencrypted, 0600).</summary>
    public string KeyPath => _folder.Combine("key.pem");

    /// <summary>The certificate without its key, to pin it in a client (compare <see cref="X509Certificate2.Thumbprint"/>).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Makes a certificate valid from <paramref name="time"/>'s now for one day and writes its files.</summary>
    public static TestCertificate Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));

        // RFC 5280 §4.2.1.12: id-kp-serverAuth, the one purpose of this certificate.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = time.GetUtcNow();
        using var signed = request.CreateSelfSigned(now, now + s_validity);

        var folder = TemporaryDirectory.Create("https");
        var certificate = new TestCertificate(folder, X509CertificateLoader.LoadCertificate(signed.RawData));
        try
        {
            OwnerOnlyTextFile.Write(certificate.CertificatePath, signed.ExportCertificatePem());
            OwnerOnlyTextFile.Write(certificate.KeyPath, key.ExportPkcs8PrivateKeyPem());
            return certificate;
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _folder.Dispose();
    }
}
