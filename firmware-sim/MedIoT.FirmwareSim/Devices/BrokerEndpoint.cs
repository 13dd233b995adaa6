using System.Security.Cryptography.X509Certificates;

namespace MedIoT.FirmwareSim.Devices;

/// <summary>
/// Where and how simulated devices reach the ward's broker (docs/device-protocol.md, "Connecting"). Without
/// <see cref="TrustedCertificateAuthorities"/> a device connects over plain TCP with its user name and password; with them
/// over TLS, with its certificate when it has one (mutual TLS, mosquitto's <c>use_identity_as_username</c>) and with its
/// password otherwise.
/// </summary>
/// <param name="Host">The broker's host name or address.</param>
/// <param name="Port">The broker's port (1883 plain, 8883 TLS by convention).</param>
public sealed record BrokerEndpoint(string Host, int Port)
{
    /// <summary>TLS: the certificate authorities the broker's certificate must chain to; <see langword="null"/> for plain TCP.</summary>
    public X509Certificate2Collection? TrustedCertificateAuthorities { get; init; }

    /// <summary>TLS: the name the broker's certificate must carry (and SNI); <see langword="null"/> means <see cref="Host"/>.</summary>
    public string? ServerName { get; init; }

    /// <summary>Whether the connection uses TLS.</summary>
    public bool UsesTls => TrustedCertificateAuthorities is not null;
}
