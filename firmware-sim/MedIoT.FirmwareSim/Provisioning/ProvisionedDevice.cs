namespace MedIoT.FirmwareSim.Provisioning;

/// <summary>A simulated device as provisioned: its registry entry and where its private key lives.</summary>
/// <param name="DeviceId">The device id (JWS <c>kid</c>, MQTT client id and broker user name).</param>
/// <param name="Kind">What the device is, for example <c>pulse-oximeter</c>.</param>
/// <param name="Ward">The ward.</param>
/// <param name="Bed">The bed.</param>
/// <param name="PrivateKeyPath">The private key file (OKP JWK, owner-only).</param>
public sealed record ProvisionedDevice(string DeviceId, string Kind, string Ward, string Bed, string PrivateKeyPath)
{
    /// <summary>The device's broker password beside its key, <c>&lt;deviceId&gt;.password</c> (owner-only, <see cref="BrokerAccounts"/>).</summary>
    public string PasswordPath => Path.ChangeExtension(PrivateKeyPath, ".password");

    /// <summary>
    /// For mutual TLS: the device's certificate beside its key, <c>&lt;deviceId&gt;.tls.crt</c> (PEM; its subject CN is the
    /// device id), issued by the ward's CA. When it exists and the simulator is given TLS settings, the device connects with it.
    /// </summary>
    public string TlsCertificatePath => Path.ChangeExtension(PrivateKeyPath, ".tls.crt");

    /// <summary>The private key of <see cref="TlsCertificatePath"/>, <c>&lt;deviceId&gt;.tls.key</c> (PEM, owner-only).</summary>
    public string TlsKeyPath => Path.ChangeExtension(PrivateKeyPath, ".tls.key");
}
