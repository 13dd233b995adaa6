using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MedIoT.FirmwareSim.Scenarios;

/// <summary>
/// The one server certificate the simulator trusts on its connection to the gateway (<c>scenario --gateway-certificate</c>),
/// such as the demo's self-signed one: the gateway must present exactly this certificate (the same DER bytes), and any
/// other is refused, whoever issued it. Only the clients made by <see cref="CreateHandler"/> use it; the system's trust
/// store is neither consulted nor changed. A refusal is kept as <see cref="Refusal"/>, a message naming both certificates'
/// SHA-256 fingerprints.
/// </summary>
internal sealed class GatewayCertificatePin : IDisposable
{
    private readonly X509Certificate2 _pinned;
    private readonly string _path;
    private volatile string? _refusal;

    private GatewayCertificatePin(X509Certificate2 pinned, string path)
    {
        _pinned = pinned;
        _path = path;
    }

    /// <summary>Why the last connection was refused, or <see langword="null"/> when none was.</summary>
    public string? Refusal => _refusal;

    /// <summary>Reads the PEM certificate (<c>-----BEGIN CERTIFICATE-----</c>, the first of the file) to pin.</summary>
    public static bool TryLoad(string path, [NotNullWhen(true)] out GatewayCertificatePin? pin, [NotNullWhen(false)] out string? problem)
    {
        pin = null;
        try
        {
            var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            pin = new GatewayCertificatePin(certificate, path);
            problem = null;
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            problem = $"'{path}' cannot be read as a PEM certificate: {exception.Message}";
            return false;
        }
    }

    /// <summary>A handler whose TLS connections accept the pinned certificate and nothing else.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, presented, _, _) => Accepts(presented) },
    };

    private bool Accepts(X509Certificate? presented)
    {
        if (presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(_pinned.RawDataMemory.Span))
        {
            return true;
        }

        var pinned = Fingerprint(_pinned.RawData);
        _refusal = presented is null
            ? $"The gateway presented no certificate; --gateway-certificate '{_path}' (SHA-256 {pinned}) is the only one trusted. Nothing was sent."
            : $"The gateway presented a certificate that is not the one of --gateway-certificate '{_path}': it presented {presented.Subject} " +
              $"(SHA-256 {Fingerprint(presented.GetRawCertData())}), the file holds {_pinned.Subject} (SHA-256 {pinned}). The connection was refused and nothing was sent.";
        return false;
    }

    private static string Fingerprint(byte[] certificate) => Convert.ToHexString(SHA256.HashData(certificate));

    public void Dispose() => _pinned.Dispose();
}
