using System.Globalization;
using MedIoT.FirmwareSim.Devices;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Mqtt;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>
/// A ward whose mosquitto has a mutual-TLS listener for the gateway (certificates made by the test; the gateway's CN is its
/// account, mediot-gateway, so the shipped ACL applies) and a plain one for the devices, with a real influxd
/// (<see cref="WardBuilder"/>); gateways run in the test process, one per test.
/// </summary>
public sealed class MqttTransportWard : IAsyncLifetime
{
    private int _gateways;

    public Ward Ward { get; private set; } = null!;

    public MosquittoServer Mosquitto => Ward.Mosquitto;

    public int DevicePort { get; } = FreeTcpPort.Next();

    internal MqttTestCertificates Certificates { get; private set; } = null!;

    public string Folder => Ward.Folder;

    public async Task InitializeAsync()
    {
        Certificates = await MqttTestCertificates.CreateAsync();

        // The template's listener (first) becomes mutual TLS; devices use a second, plain loopback listener.
        Ward = await new WardBuilder("mqtt-transport-ward")
            .WithMosquittoConfiguration([.. Certificates.MutualTlsListenerLines(), $"listener {DevicePort} 127.0.0.1"])
            .ForGateway("gw-mqtt", "mediot_mqtt_transport")
            .WithBeds(2)
            .WithGateway(InProcessGateway.Launcher(), startWithWard: false)
            .StartAsync();
    }

    public int NextGatewayNumber() => Interlocked.Increment(ref _gateways);

    public Task<SimulatedDevice> ConnectDeviceAsync(int index) =>
        SimulatedDevice.ConnectAsync(Ward.Devices[index], Mosquitto.Host, DevicePort, TimeProvider.System, null, CancellationToken.None);

    public async Task DisposeAsync()
    {
        await Ward.DisposeAsync();
        Certificates.Dispose();
    }
}

/// <summary>The gateway's MQTT transport settings (Gateway:Mqtt: ProtocolVersion, SessionExpirySeconds, Tls) through the whole gateway.</summary>
public sealed class MqttTransportTests(MqttTransportWard ward) : IClassFixture<MqttTransportWard>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("3.1.1")]
    [InlineData("5")]
    public async Task The_gateway_ingests_over_mutual_TLS_with_both_protocol_versions(string protocolVersion)
    {
        await using var gateway = await StartGatewayAsync(TlsSettings(protocolVersion));
        await using var device = await ward.ConnectDeviceAsync(0);

        for (var frame = 0; frame < 3; frame++)
        {
            await device.PublishNextAsync(CancellationToken.None);
        }

        await gateway.Statistics.WaitUntilAsync(s => s.Accepted >= 3 && s.ObservationsStored >= 3, s_timeout);
        Assert.Equal(0, gateway.Statistics.RejectedTotal);
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task The_gateway_ingests_over_plain_MQTT_5_with_a_persistent_session()
    {
        var settings = new Dictionary<string, string>
        {
            ["Gateway:Mqtt:Port"] = ward.DevicePort.ToString(CultureInfo.InvariantCulture),
            ["Gateway:Mqtt:ProtocolVersion"] = "5",
            ["Gateway:Mqtt:SessionExpirySeconds"] = "3600",
        };
        var gatewayId = $"gw-mqtt5-{ward.NextGatewayNumber()}";
        await using (var first = await StartGatewayAsync(settings, gatewayId))
        {
            await using var device = await ward.ConnectDeviceAsync(1);
            await device.PublishNextAsync(CancellationToken.None);
            await first.Statistics.WaitUntilAsync(s => s.ObservationsStored >= 1, s_timeout);
        }

        // While the gateway is away its MQTT 5 session (expiry 3600 s) queues the frames; the next start gets them.
        await using (var device = await ward.ConnectDeviceAsync(1))
        {
            await device.PublishNextAsync(CancellationToken.None);
            await device.PublishNextAsync(CancellationToken.None);
        }

        await using var second = await StartGatewayAsync(settings, gatewayId);
        await second.Statistics.WaitUntilAsync(s => s.Accepted >= 2 && s.ObservationsStored >= 2, s_timeout);
        second.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task The_retained_status_topic_says_online_while_running_and_offline_after_a_stop()
    {
        var gatewayId = $"gw-status-{ward.NextGatewayNumber()}";
        var statusTopic = $"mediot/v1/gateways/mediot-{gatewayId}/status";
        await using var observer = new MqttClient(ward.Ward.TestClientOptions($"observer-{gatewayId}", ward.DevicePort));
        await observer.ConnectAsync(CancellationToken.None).WaitAsync(s_timeout);
        await observer.SubscribeAsync([new MqttTopicFilter(statusTopic, MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(s_timeout);

        var gateway = await StartGatewayAsync(TlsSettings("5"), gatewayId);
        try
        {
            Assert.Equal("online", await NextStatusAsync(observer));

            // A late subscriber learns it from the retained message.
            await using var late = new MqttClient(ward.Ward.TestClientOptions($"late-{gatewayId}", ward.DevicePort));
            await late.ConnectAsync(CancellationToken.None).WaitAsync(s_timeout);
            await late.SubscribeAsync([new MqttTopicFilter(statusTopic, MqttQualityOfService.AtLeastOnce)], CancellationToken.None).WaitAsync(s_timeout);
            var retained = await late.Messages.ReadAsync().AsTask().WaitAsync(s_timeout);
            Assert.True(retained.Retain);
            Assert.Equal("online", System.Text.Encoding.ASCII.GetString(retained.Payload.Span));
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        Assert.Equal("offline", await NextStatusAsync(observer));
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Missing_TLS_files_stop_the_start_with_the_file_named()
    {
        var missing = Path.Combine(ward.Folder, "no-such-client.pem");
        var settings = TlsSettings("3.1.1");
        settings["Gateway:Mqtt:Tls:ClientCertificateFile"] = missing;

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartGatewayAsync(settings, waitForSubscription: false));

        Assert.IsType<Microsoft.Extensions.Options.OptionsValidationException>(failure);
        Assert.True(failure.Message.Contains(missing, StringComparison.Ordinal), failure.ToString());
        Assert.Contains("Gateway:Mqtt:Tls", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Gateway:Mqtt:ProtocolVersion", "4")]
    [InlineData("Gateway:Mqtt:SessionExpirySeconds", "0")]
    [InlineData("Gateway:Mqtt:Tls:ClientKeyFile", "")]
    public async Task Invalid_transport_settings_stop_the_start_with_the_setting_named(string setting, string value)
    {
        var settings = TlsSettings("5");
        settings[setting] = value;

        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => StartGatewayAsync(settings, waitForSubscription: false));

        Assert.Contains(setting.EndsWith("ClientKeyFile", StringComparison.Ordinal) ? "Gateway:Mqtt:Tls" : setting, failure.Message, StringComparison.Ordinal);
    }

    private static async Task<string> NextStatusAsync(MqttClient observer)
    {
        var message = await observer.Messages.ReadAsync().AsTask().WaitAsync(s_timeout);
        return System.Text.Encoding.ASCII.GetString(message.Payload.Span);
    }

    private Dictionary<string, string> TlsSettings(string protocolVersion) => new()
    {
        ["Gateway:Mqtt:Port"] = ward.Mosquitto.Port.ToString(CultureInfo.InvariantCulture),
        ["Gateway:Mqtt:ProtocolVersion"] = protocolVersion,
        ["Gateway:Mqtt:Tls:Enabled"] = "true",
        ["Gateway:Mqtt:Tls:CaFile"] = ward.Certificates.AuthorityFile,
        ["Gateway:Mqtt:Tls:ClientCertificateFile"] = ward.Certificates.ClientCertificateFile,
        ["Gateway:Mqtt:Tls:ClientKeyFile"] = ward.Certificates.ClientKeyFile,
        ["Gateway:Mqtt:Tls:ServerName"] = "localhost",
    };

    private async Task<InProcessGateway> StartGatewayAsync(
        IReadOnlyDictionary<string, string> settings, string? gatewayId = null, bool waitForSubscription = true)
    {
        gatewayId ??= $"gw-mqtt-{ward.NextGatewayNumber()}";
        var all = new Dictionary<string, string>
        {
            ["Gateway:GatewayId"] = gatewayId,
            ["Gateway:Alerts:OutboxFolder"] = Path.Combine(ward.Folder, $"outbox-{gatewayId}"),
            ["Gateway:Journal:Folder"] = Path.Combine(ward.Folder, $"journal-{gatewayId}"),
            ["Gateway:Identity:KeyFile"] = Path.Combine(ward.Folder, $"identity-{gatewayId}", "gateway-key.jwk"),
            ["Gateway:Serial:StateFolder"] = Path.Combine(ward.Folder, $"serial-{gatewayId}"),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return (InProcessGateway)await ward.Ward.StartGatewayAsync(all, InProcessGateway.Launcher(waitForSubscription: waitForSubscription));
    }
}
