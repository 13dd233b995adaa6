using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MedIoT.Mqtt.Tests.Support;
using MedIoT.Testing;

namespace MedIoT.Mqtt.Tests;

/// <summary>TLS and mutual TLS against a real mosquitto with certificates each test generates.</summary>
public sealed class MqttTlsTests
{
    private const int TestTimeout = 30_000;

    [Fact(Timeout = TestTimeout)]
    public async Task A_broker_certificate_from_the_trusted_CA_gives_a_working_TLS_connection()
    {
        using var certificates = await TestCertificates.CreateAsync();
        await using var server = await MosquittoServer.StartAsync(certificates.ListenerLines(requireClientCertificate: false));
        await using var subscriber = await server.ConnectAsync(TlsOptions(server, certificates, "tls-subscriber"));
        await using var publisher = await server.ConnectAsync(TlsOptions(server, certificates, "tls-publisher"));
        await subscriber.SubscribeAsync([new MqttTopicFilter("tls/vitals", MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);

        await publisher.PublishAsync(new MqttApplicationMessage("tls/vitals", Broker.Utf8("hr=61")), CancellationToken.None).WaitAsync(Broker.Timeout);

        Assert.Equal("hr=61", (await subscriber.ReceiveAsync()).Text());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_broker_certificate_from_another_CA_is_refused()
    {
        using var certificates = await TestCertificates.CreateAsync();
        using var stranger = await TestCertificates.CreateAsync("Some Other CA");
        await using var server = await MosquittoServer.StartAsync(certificates.ListenerLines(requireClientCertificate: false));
        var options = TlsOptions(server, certificates, "wrong-ca");
        options.Tls!.TrustedCertificateAuthorities = [stranger.Authority];
        var client = new MqttClient(options);

        await Assert.ThrowsAsync<AuthenticationException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout));

        Assert.False(client.IsConnected);
        await client.DisposeAsync();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task A_plain_TCP_client_gets_nothing_from_a_TLS_listener()
    {
        using var certificates = await TestCertificates.CreateAsync();
        await using var server = await MosquittoServer.StartAsync(certificates.ListenerLines(requireClientCertificate: false));
        var options = server.Options("plain-on-tls");
        options.ConnectTimeout = TimeSpan.FromSeconds(2);
        var client = new MqttClient(options);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout));

        Assert.True(failure is IOException or TimeoutException or MqttProtocolException, failure.ToString());
        await client.DisposeAsync();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Mutual_TLS_refuses_a_client_without_a_certificate_and_accepts_one_with_it()
    {
        using var certificates = await TestCertificates.CreateAsync();
        await using var server = await MosquittoServer.StartAsync(
            [.. certificates.ListenerLines(requireClientCertificate: true), "allow_anonymous false"]);

        var anonymous = new MqttClient(TlsOptions(server, certificates, "no-client-certificate"));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => anonymous.ConnectAsync(CancellationToken.None).WaitAsync(Broker.Timeout));
        Assert.True(refused is IOException or AuthenticationException, refused.ToString());
        Assert.False(anonymous.IsConnected);
        await anonymous.DisposeAsync();

        var options = TlsOptions(server, certificates, "with-client-certificate");
        options.Tls!.ClientCertificate = certificates.Client;
        await using var authenticated = await server.ConnectAsync(options);
        Assert.True(authenticated.IsConnected);

        // use_identity_as_username: the certificate's common name is the user, so anonymous access stays off and this still works.
        await authenticated.SubscribeAsync([new MqttTopicFilter("mtls", MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(Broker.Timeout);
        await authenticated.PublishAsync(new MqttApplicationMessage("mtls", Broker.Utf8("spo2=95")), CancellationToken.None).WaitAsync(Broker.Timeout);
        Assert.Equal("spo2=95", (await authenticated.ReceiveAsync()).Text());
    }

    [Fact]
    public void A_client_certificate_without_its_private_key_is_refused_by_validation()
    {
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(SelfSignedWithoutKey));
        var options = new MqttClientOptions { TimeProvider = TimeProvider.System, ClientId = "no-key", Tls = new MqttTlsOptions { ClientCertificate = certificate } };

        var exception = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("private key", exception.Message, StringComparison.Ordinal);
    }

    private static MqttClientOptions TlsOptions(MosquittoServer server, TestCertificates certificates, string clientId)
    {
        var options = server.Options(clientId);
        options.Tls = new MqttTlsOptions { TrustedCertificateAuthorities = [certificates.Authority] };
        return options;
    }

    // Any certificate without a key; generated once, only its public part is used.
    private static string SelfSignedWithoutKey
    {
        get
        {
            using var key = System.Security.Cryptography.ECDsa.Create();
            var request = new CertificateRequest("CN=no-key", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            var now = TimeProvider.System.GetUtcNow();
            using var certificate = request.CreateSelfSigned(now, now.AddDays(1));
            return Convert.ToBase64String(certificate.Export(X509ContentType.Cert));
        }
    }
}
