using System.Security.Cryptography.X509Certificates;
using MedIoT.Cryptography;
using MedIoT.Mqtt;

namespace MedIoT.Gateway.Broker;

/// <summary>
/// How the gateway's MQTT connections reach the broker, from <c>Gateway:Mqtt</c>: protocol version, account and TLS.
/// Shared by frame ingestion and alarm delivery, so both use the same broker the same way, as the same account.
/// </summary>
internal static class MqttTransport
{
    /// <summary>Sets the protocol version, user name, password and TLS of <paramref name="client"/> from <paramref name="settings"/>.</summary>
    /// <exception cref="InvalidOperationException">A certificate, key or password file cannot be read; the message names the file.</exception>
    public static MqttClientOptions WithTransport(this MqttClientOptions client, MqttOptions settings)
    {
        client.ProtocolVersion = settings.ClientProtocolVersion;
        client.Username = string.IsNullOrEmpty(settings.Username) ? null : settings.Username;
        client.Password = settings.PasswordFile.Length > 0 ? ReadPassword(settings.PasswordFile)
            : string.IsNullOrEmpty(settings.Password) ? null : settings.Password;
        if (settings.Tls.Enabled)
        {
            client.Tls = CreateTls(settings.Tls);
        }

        return client;
    }

    private static MqttTlsOptions CreateTls(MqttTlsSettings settings)
    {
        var tls = new MqttTlsOptions { TargetHost = settings.ServerName.Length > 0 ? settings.ServerName : null };
        if (settings.CaFile.Length > 0)
        {
            var authorities = new X509Certificate2Collection();
            Load(settings.CaFile, "Gateway:Mqtt:Tls:CaFile", () => authorities.ImportFromPemFile(settings.CaFile));
            if (authorities.Count == 0)
            {
                throw new InvalidOperationException($"Gateway:Mqtt:Tls:CaFile '{Path.GetFullPath(settings.CaFile)}' holds no PEM certificate.");
            }

            tls.TrustedCertificateAuthorities = authorities;
        }

        if (settings.ClientCertificateFile.Length > 0)
        {
            X509Certificate2? pem = null;
            Load(settings.ClientCertificateFile, "Gateway:Mqtt:Tls:ClientCertificateFile and ClientKeyFile",
                () => pem = X509Certificate2.CreateFromPemFile(settings.ClientCertificateFile, settings.ClientKeyFile));
            using (pem)
            {
                // Through PKCS#12 so SslStream can use the key on every platform.
                tls.ClientCertificate = X509CertificateLoader.LoadPkcs12(pem!.Export(X509ContentType.Pkcs12), null);
            }
        }

        return tls;
    }

    private static string ReadPassword(string path)
    {
        try
        {
            return SecretFile.Read(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new InvalidOperationException($"Gateway:Mqtt:PasswordFile: {exception.Message}", exception);
        }
    }

    private static void Load(string path, string setting, Action load)
    {
        try
        {
            load();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"{setting}: '{Path.GetFullPath(path)}' cannot be read as PEM ({exception.Message}).", exception);
        }
    }
}
