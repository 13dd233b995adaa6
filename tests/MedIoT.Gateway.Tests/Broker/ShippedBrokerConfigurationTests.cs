using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Tests.Integration;
using MedIoT.Gateway.Tests.Integration.Alerts;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Mqtt;
using MedIoT.Protocol;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Broker;

/// <summary>
/// A ward whose mosquitto runs exactly the shipped access control (configs/mosquitto: mosquitto.conf, mediot.acl and the
/// mutual-TLS listener of mutual-tls.conf, no test account), with provisioned beds whose accounts provisioning wrote, the
/// stations' account, and the gateway in the test process connected as its own account (<c>mediot-gateway</c>, password
/// file) on the password listener. Its alert rules are the shipped ones with short times: vital limits without persistence,
/// a security repeat interval of <see cref="RepeatIntervalSeconds"/>, and device silence after an hour (every registered
/// device is watched from the start, and most of these beds send nothing).
/// </summary>
public sealed class ShippedBrokerWard : IAsyncLifetime
{
    public const int Beds = 8;

    /// <summary>The rules' <c>security.repeatIntervalSeconds</c>.</summary>
    public const int RepeatIntervalSeconds = 2;

    public Ward Ward { get; private set; } = null!;

    /// <summary>The shipped account of nurses' stations and the IT desk (reads alarms, writes nothing).</summary>
    public MosquittoAccount Station { get; } = new(BrokerAccounts.Station, BrokerAccounts.CreatePassword());

    /// <summary>The port of the shipped mutual-TLS listener.</summary>
    public int TlsPort { get; } = FreeTcpPort.Next();

    internal MqttTestCertificates Certificates { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Certificates = await MqttTestCertificates.CreateAsync();
        Ward = await new WardBuilder("shipped-broker")
            .WithShippedBrokerAccessOnly()
            .WithMosquittoConfiguration(MosquittoServer.RenderMutualTls(
                TlsPort, Certificates.AuthorityFile, Certificates.ServerCertificateFile, Certificates.ServerKeyFile))
            .ForGateway("gw-shipped", "mediot_shipped_broker")
            .WithBeds(Beds)
            .Configure(async ward =>
            {
                ward.Settings["Gateway:Alerts:RulesPath"] = await WriteRulesAsync(ward);
                await ward.Mosquitto.AddAccountAsync(Station.Username, Station.Password);
            })
            .InProcess()
            .StartAsync();
    }

    /// <summary>A station of the shipped account subscribed to <paramref name="topicFilter"/>.</summary>
    public Task<AlarmStation> ConnectStationAsync(string topicFilter) => AlarmStation.ConnectAsync(Ward.Mosquitto, topicFilter, Station);

    /// <summary>Where a device reaches the mutual-TLS listener, trusting the ward's test CA.</summary>
    public BrokerEndpoint TlsEndpoint()
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(Certificates.AuthorityFile);
        return new BrokerEndpoint(Ward.Mosquitto.Host, TlsPort) { TrustedCertificateAuthorities = authorities };
    }

    public async Task DisposeAsync()
    {
        await Ward.DisposeAsync();
        Certificates.Dispose();
    }

    private static async Task<string> WriteRulesAsync(Ward ward)
    {
        var shipped = await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Configs, "alert-rules.json"));
        var rules = JsonNode.Parse(shipped, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        foreach (var limit in rules["vitals"]!.AsArray().SelectMany(vital => vital!["limits"]!.AsArray()))
        {
            limit!["persistenceSeconds"] = 0;
        }

        rules["technical"]!["deviceSilent"]!["afterSeconds"] = 3600;
        rules["security"]!["repeatIntervalSeconds"] = RepeatIntervalSeconds;
        var path = ward.Combine("alert-rules-shipped-broker.json");
        await File.WriteAllTextAsync(path, rules.ToJsonString());
        return path;
    }
}

/// <summary>
/// Issue 14, per-device broker identity, against the shipped broker configuration with a real mosquitto and a real gateway:
/// nobody connects without an account, a device publishes on its own topic only (password or mutual TLS alike), and what
/// the broker drops never reaches the gateway.
/// </summary>
/// <remarks>
/// "Never reaches" is proved without waiting for a silence: after the dropped publishes the same device publishes a good frame
/// on its own topic. mosquitto handles one connection's packets in order and forwards them to the gateway's subscription in
/// that order, and the gateway verifies its messages one at a time in arrival order; so once the good frame is counted, any
/// dropped frame that had reached the gateway would have been counted (accepted or rejected) before it.
/// </remarks>
public sealed class ShippedBrokerConfigurationTests(ShippedBrokerWard fixture) : IClassFixture<ShippedBrokerWard>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private Ward Ward => fixture.Ward;

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task An_anonymous_client_cannot_connect(MqttProtocolVersion version)
    {
        await using var anonymous = new MqttClient(new MqttClientOptions
        {
            TimeProvider = TimeProvider.System, Host = Ward.Mosquitto.Host, Port = Ward.Mosquitto.Port, ClientId = $"anonymous-{(int)version}",
            ProtocolVersion = version, CleanSession = true,
        });

        var refused = await Assert.ThrowsAsync<MqttConnectException>(() => anonymous.ConnectAsync(CancellationToken.None).WaitAsync(s_timeout));
        Assert.Equal(MqttConnectReturnCode.NotAuthorized, refused.ReturnCode);
    }

    [Fact]
    public async Task A_device_cannot_connect_as_another_device_with_its_own_password()
    {
        var deviceA = Ward.Devices[0];
        var deviceB = Ward.Devices[1];
        await using var impostor = new MqttClient(DeviceOptions(deviceB.DeviceId, SecretFile.Read(deviceA.PasswordPath), MqttProtocolVersion.V311));

        var refused = await Assert.ThrowsAsync<MqttConnectException>(() => impostor.ConnectAsync(CancellationToken.None).WaitAsync(s_timeout));
        Assert.Contains(refused.ReturnCode, new[] { MqttConnectReturnCode.NotAuthorized, MqttConnectReturnCode.BadUserNameOrPassword });
    }

    [Fact]
    public async Task A_device_with_its_credentials_cannot_publish_on_another_devices_topic_and_the_gateway_never_receives_it()
    {
        var deviceA = Ward.Devices[0];
        var topicOfB = DeviceTopic.ForFrames(Ward.Devices[1].DeviceId);
        var before = Counts();

        await using var device = await Ward.ConnectDeviceAsync(0);
        // MQTT 3.1.1 has no refusal: the broker acknowledges and drops (mosquitto.conf(5), acl_file).
        await device.PublishRawAsync(ForgedFrameClaiming(Ward.Devices[1], deviceA), CancellationToken.None, topicOfB);
        await device.PublishRawAsync(device.SignNext(out _), CancellationToken.None, topicOfB);
        await device.PublishNextAsync(CancellationToken.None);

        await AssertOnlyTheGoodFrameArrivedAsync(before);
    }

    [Fact]
    public async Task An_MQTT_5_device_is_told_not_authorized_when_it_publishes_on_another_devices_topic()
    {
        var deviceA = Ward.Devices[2];
        var deviceB = Ward.Devices[3];
        var before = Counts();
        await using (var client = new MqttClient(DeviceOptions(deviceA.DeviceId, SecretFile.Read(deviceA.PasswordPath), MqttProtocolVersion.V500)))
        {
            await client.ConnectAsync(CancellationToken.None).WaitAsync(s_timeout);
            var message = new MqttApplicationMessage(DeviceTopic.ForFrames(deviceB.DeviceId), ForgedFrameClaiming(deviceB, deviceA), MqttQualityOfService.AtLeastOnce, retain: false);

            // MQTT 5.0 §3.4.2.1: PUBACK reason code 0x87 Not authorized; the broker dropped the message before answering.
            var refused = await Assert.ThrowsAsync<MqttPublishException>(() => client.PublishAsync(message, CancellationToken.None).WaitAsync(s_timeout));
            Assert.Equal(MqttReasonCode.NotAuthorized, refused.ReasonCode);
        }

        await using var device = await Ward.ConnectDeviceAsync(2);
        await device.PublishNextAsync(CancellationToken.None);
        await AssertOnlyTheGoodFrameArrivedAsync(before);
    }

    [Fact]
    public async Task Over_mutual_TLS_the_certificates_CN_is_the_device_and_the_same_ACL_applies()
    {
        var deviceA = Ward.Devices[4];
        var deviceB = Ward.Devices[5];
        await fixture.Certificates.IssueClientAsync(deviceA.DeviceId, deviceA.TlsCertificatePath, deviceA.TlsKeyPath);
        var before = Counts();

        // use_identity_as_username: the certificate is the whole identity, no password is sent.
        await using var device = await SimulatedDevice.ConnectAsync(deviceA, fixture.TlsEndpoint(), TimeProvider.System, null, CancellationToken.None)
            .WaitAsync(s_timeout);
        await device.PublishRawAsync(ForgedFrameClaiming(deviceB, deviceA), CancellationToken.None, DeviceTopic.ForFrames(deviceB.DeviceId));
        await device.PublishNextAsync(CancellationToken.None);

        await AssertOnlyTheGoodFrameArrivedAsync(before);
    }

    [Fact]
    public async Task The_mutual_TLS_listener_refuses_a_client_without_a_certificate()
    {
        // Bed 04's device has no certificate: over TLS it offers its password, which this listener never asks for.
        var endpoint = fixture.TlsEndpoint();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            SimulatedDevice.ConnectAsync(Ward.Devices[3], endpoint, TimeProvider.System, null, CancellationToken.None).WaitAsync(s_timeout));

        // The handshake fails (TLS 1.2), or the broker closes the connection at once after it (TLS 1.3's late client check).
        Assert.True(refused is IOException or System.Security.Authentication.AuthenticationException, refused.ToString());
    }

    /// <summary>A device's connection as docs/device-protocol.md has it: client id and user name = device id, clean session.</summary>
    private MqttClientOptions DeviceOptions(string deviceId, string password, MqttProtocolVersion version) => new()
    {
        TimeProvider = TimeProvider.System, Host = Ward.Mosquitto.Host, Port = Ward.Mosquitto.Port, ClientId = deviceId,
        Username = deviceId, Password = password, CleanSession = true, ProtocolVersion = version,
    };

    /// <summary>A frame that claims to come from <paramref name="claimed"/>, signed with <paramref name="signer"/>'s key.</summary>
    private static byte[] ForgedFrameClaiming(ProvisionedDevice claimed, ProvisionedDevice signer)
    {
        using var key = PrivateKeyFile.Read(signer.PrivateKeyPath);
        return JwsFrameEncoder.Encode(new DeviceFrame(claimed.DeviceId, 1_000_000, [new Observation(MdcCodes.OxygenSaturation, 61, "%", 0)]), key);
    }

    private (long Accepted, long Rejected) Counts() => (Ward.Statistics.Accepted, Ward.Statistics.RejectedTotal);

    /// <summary>Waits for the one good frame, then checks that nothing else was accepted or rejected (see the remarks above).</summary>
    private async Task AssertOnlyTheGoodFrameArrivedAsync((long Accepted, long Rejected) before)
    {
        await Ward.Statistics.WaitUntilAsync(s => s.Accepted > before.Accepted, s_timeout);
        Assert.Equal(before.Accepted + 1, Ward.Statistics.Accepted);
        Assert.Equal(before.Rejected, Ward.Statistics.RejectedTotal);
    }
}
