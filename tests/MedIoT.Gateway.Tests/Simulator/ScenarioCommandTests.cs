using System.Globalization;
using MedIoT.FirmwareSim;
using MedIoT.FirmwareSim.Scenarios;
using MedIoT.Gateway.Devices;
using MedIoT.Mqtt;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Simulator;

/// <summary>The simulator's scenario model, its provisioning, <c>run --exclude-scenario</c> and the refusals of <c>mediot-sim scenario</c>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ScenarioCommandTests
{
    private static string ScenarioPath(string file) => Path.Combine(RepositoryLayout.Configs, "scenarios", file);

    [Fact]
    public async Task Provision_with_a_scenario_registers_its_devices_at_its_bed_with_owner_only_keys()
    {
        using var folder = TemporaryDirectory.Create("sim-scenario");

        var exitCode = await SimulatorCommands.Create()
            .Parse(["provision", "--output", folder.Path, "--ward", "7A", "--beds", "2", "--scenario", ScenarioPath("sepsis.json"), "--scenario", ScenarioPath("desaturation.json")])
            .InvokeAsync();

        Assert.Equal(0, exitCode);
        var registry = DeviceRegistry.Load(folder.Combine("devices.json"));
        Assert.Equal(2 + 3, registry.Count);
        foreach (var (deviceId, bed) in new[] { ("sim-7a-01-spo2", "01"), ("sim-7a-01-mon", "01"), ("sim-7a-02-spo2", "02") })
        {
            Assert.True(registry.TryGet(deviceId, out var device), deviceId);
            Assert.Equal(("7A", bed), (device.Location.Ward.ToString(), device.Location.Bed.ToString()));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(folder.Combine("keys", deviceId + ".jwk")));
        }
    }

    [Fact]
    public async Task The_scenario_command_refuses_what_it_cannot_play_over_mqtt_before_connecting()
    {
        using var folder = TemporaryDirectory.Create("sim-scenario");
        Assert.Equal(0, await SimulatorCommands.Create().Parse(["provision", "--output", folder.Path, "--beds", "1", "--scenario", ScenarioPath("sensor-off.json")]).InvokeAsync());
        var broken = folder.Combine("broken.json");
        await File.WriteAllTextAsync(broken, (await File.ReadAllTextAsync(ScenarioPath("desaturation.json"))).Replace("\"durationSeconds\": 420", "\"durationSeconds\": 100000", StringComparison.Ordinal));

        // Port 1 on loopback: nothing listens, so a command that tried to connect would fail differently (exit 1 or an exception).
        int Run(params string[] arguments) => SimulatorCommands.Create().Parse(["scenario", .. arguments, "--ward-folder", folder.Path, "--port", "1"]).Invoke();

        Assert.Equal(2, Run(ScenarioPath("sepsis.json"), "--gateway-url", "http://127.0.0.1:1/")); // devices not provisioned
        Assert.Equal(2, Run(ScenarioPath("sepsis.json"))); // staff entries without --gateway-url
        Assert.Equal(2, Run(ScenarioPath("sepsis.json"), "--gateway-url", "http://127.0.0.1:1/", "--gateway-token-file", folder.Combine("no-such.token"))); // no token file
        Assert.Equal(2, Run(ScenarioPath("desaturation.json"), "--gateway-url", "ftp://127.0.0.1/"));
        Assert.Equal(2, Run(ScenarioPath("desaturation.json"), "--gateway-url", "http://127.0.0.1:1/", "--gateway-certificate", broken)); // a pin needs https
        Assert.Equal(2, Run(ScenarioPath("desaturation.json"), "--gateway-url", "https://127.0.0.1:1/", "--gateway-certificate", broken)); // not a PEM certificate
        Assert.Equal(2, Run(ScenarioPath("desaturation.json"), "--speed", "0"));
        Assert.Equal(2, Run(ScenarioPath("desaturation.json"), "--speed", "5000"));
        Assert.Equal(2, Run(broken)); // longer than a day
        Assert.Equal(2, Run(folder.Combine("missing.json")));
    }

    [Fact]
    public async Task Run_with_exclude_scenario_leaves_the_scenario_s_devices_and_its_bed_to_the_scenario_player()
    {
        using var folder = TemporaryDirectory.Create("sim-scenario");
        await using var mosquitto = await MosquittoServer.StartAsync();
        Assert.Equal(0, await SimulatorCommands.Create().Parse(["provision", "--output", folder.Path, "--beds", "3", "--scenario", ScenarioPath("desaturation.json")]).InvokeAsync());
        await mosquitto.AddAccountsAsync(folder.Combine("mosquitto.passwd"));
        await using var listener = new MqttClient(new MqttClientOptions
        {
            TimeProvider = TimeProvider.System, Host = "127.0.0.1", Port = mosquitto.Port, ClientId = "listener", CleanSession = true,
            Username = mosquitto.TestAccount!.Username, Password = mosquitto.TestAccount.Password,
        });
        await listener.ConnectAsync(CancellationToken.None);
        Assert.True((await listener.SubscribeAsync([new MqttTopicFilter("mediot/v1/devices/+/frames", MqttQualityOfService.AtLeastOnce)], CancellationToken.None))[0].Succeeded);

        var exitCode = await SimulatorCommands.Create().Parse(
            ["run", "--ward-folder", folder.Path, "--port", mosquitto.Port.ToString(CultureInfo.InvariantCulture), "--frames", "1", "--exclude-scenario", ScenarioPath("desaturation.json")])
            .InvokeAsync();

        Assert.Equal(0, exitCode);
        // The broker acknowledged every frame before the command returned; a marker published now arrives after them.
        const string Marker = "mediot/v1/devices/end-marker/frames";
        await listener.PublishAsync(new MqttApplicationMessage(Marker, "end"u8.ToArray(), MqttQualityOfService.AtLeastOnce, retain: false), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var topics = new List<string>();
        for (var topic = ""; topic != Marker; topic = (await listener.Messages.ReadAsync(timeout.Token)).Topic)
        {
            if (topic.Length > 0)
            {
                topics.Add(topic);
            }
        }

        // Bed 02 is the scenario's: neither its scenario oximeter nor the ward's oximeter there published.
        Assert.Equal(["mediot/v1/devices/ward7a-bed01-spo2/frames", "mediot/v1/devices/ward7a-bed03-spo2/frames"], topics.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_shipped_scenario_is_valid_and_a_bad_one_is_refused_with_its_reason()
    {
        foreach (var path in Directory.GetFiles(Path.Combine(RepositoryLayout.Configs, "scenarios"), "*.json"))
        {
            Assert.Null(Scenario.Load(path).Problem());
        }

        var scenario = Scenario.Load(ScenarioPath("desaturation.json"));
        Assert.Contains("MDC code 1", (scenario with { Tracks = [scenario.Tracks[0] with { MdcCode = 1 }] }).Problem(), StringComparison.Ordinal);
        Assert.Contains("device id", (scenario with { Tracks = [scenario.Tracks[0] with { DeviceId = "bad id" }] }).Problem(), StringComparison.Ordinal);
        Assert.Contains("time order", (scenario with { Tracks = [scenario.Tracks[0] with { Points = [[10, 97], [5, 90]] }] }).Problem(), StringComparison.Ordinal);
        Assert.Contains("exactly one", (scenario with { Staff = [new StaffEntry(0, "nurse.jones")] }).Problem(), StringComparison.Ordinal);
        Assert.Contains("DeviceStatus names", (scenario with { DeviceStatus = [new StatusWindow("sim-7a-02-spo2", 0, 5, ["ProbeFell"])] }).Problem(), StringComparison.Ordinal);
    }
}
